"""Choosing the business system from configuration."""

from __future__ import annotations

import pytest

from kefu.adapters.business import FakeFoodDelivery, HttpBusinessSystem, build_business_system


@pytest.mark.parametrize("url", [None, "", "demo", " DEMO "])
async def test_without_a_platform_url_kefu_runs_on_the_demo_platform(url: str | None) -> None:
    system = build_business_system(url, None, 3.0)
    assert isinstance(system, FakeFoodDelivery)
    assert system.timeout_s == 3.0
    await system.aclose()


async def test_an_http_url_talks_to_the_platform_s_own_api() -> None:
    system = build_business_system("https://orders.example.edu/api", "key", 4.0)
    assert isinstance(system, HttpBusinessSystem)
    assert system.name == "the business system at https://orders.example.edu"
    assert system.timeout_s == 4.0
    await system.aclose()


def test_anything_else_is_a_configuration_error_that_names_the_value() -> None:
    with pytest.raises(ValueError, match="ftp://orders"):
        build_business_system("ftp://orders", None, 3.0)
