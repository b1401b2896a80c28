from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import pytest

from kefu.nlu.build import MODELS_DIR, default_datasets_dir


def _stub_missing_web_cli() -> None:
    """`kefu.cli` also registers the web commands; another team owns them. Until their
    module exists, stand a no-op in for it so the NLU commands can be tested alone."""
    if importlib.util.find_spec("kefu.web.cli") is None:
        stub = types.ModuleType("kefu.web.cli")
        stub.register = lambda subparsers: None  # type: ignore[attr-defined]
        sys.modules["kefu.web.cli"] = stub


_stub_missing_web_cli()


@pytest.fixture(scope="session")
def models_dir() -> Path:
    if not (MODELS_DIR / "emotion" / "manifest.json").is_file():
        pytest.skip("built-in models not built (run `kefu nlu build-models`)")
    return MODELS_DIR


@pytest.fixture(scope="session")
def datasets_dir() -> Path:
    path = default_datasets_dir()
    if not path.is_dir():
        pytest.skip(f"public data sets not found at {path}")
    return path
