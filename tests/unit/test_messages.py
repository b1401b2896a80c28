from __future__ import annotations

import pytest

from kefu.domain.errors import InvalidInput
from kefu.domain.message import MAX_TEXT_LENGTH, check_client_id, check_text


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_message_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="empty"):
        check_text(text)


def test_a_message_over_the_limit_is_refused_with_its_length() -> None:
    with pytest.raises(InvalidInput, match=f"4001 characters long; the limit is {MAX_TEXT_LENGTH}"):
        check_text("好" * 4001)


def test_a_message_at_the_limit_is_kept_exactly() -> None:
    text = " 你好<script>alert(1)</script> " + "x" * (MAX_TEXT_LENGTH - 31)
    assert check_text(text) == text


def test_client_ids_are_bounded() -> None:
    assert check_client_id(None) is None
    with pytest.raises(InvalidInput):
        check_client_id("x" * 101)
