from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_settings


@pytest.fixture
def bot_client(database_url: str) -> Iterator[TestClient]:
    from kefu.web.app import create_app

    settings = make_settings(database_url, bot_enabled=True, auto_assign=False)
    with TestClient(create_app(settings)) as client:
        yield client
