"""Adapters for the ``BusinessSystem`` port: the demo platform and a real order API."""

from __future__ import annotations

from kefu.adapters.business.demo_data import DEMO_NOW, DemoScenario, build_demo_dataset
from kefu.adapters.business.fake import FakeFoodDelivery
from kefu.adapters.business.http import HttpBusinessSystem
from kefu.domain.business import BusinessSystem

__all__ = [
    "DEMO_NOW",
    "DemoScenario",
    "FakeFoodDelivery",
    "HttpBusinessSystem",
    "build_business_system",
    "build_demo_dataset",
]


def build_business_system(url: str | None, api_key: str | None, timeout_s: float) -> BusinessSystem:
    """``None``, ``""`` or ``"demo"`` → the in-memory demo platform; ``http(s)://…`` → its API."""
    if url is None or url.strip().lower() in ("", "demo"):
        return FakeFoodDelivery(timeout_s=timeout_s)
    if url.startswith(("http://", "https://")):
        return HttpBusinessSystem(url, api_key=api_key, timeout_s=timeout_s)
    raise ValueError(
        f"unsupported business-system URL {url!r}: use 'demo' or an http(s):// base URL"
    )
