from __future__ import annotations

import pytest
from pydantic import ValidationError

from kefu.settings import Settings


def test_the_development_secret_is_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEFU_ENV", "production")
    monkeypatch.delenv("KEFU_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="KEFU_SECRET_KEY"):
        Settings()


def test_settings_come_from_a_toml_file(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    config = Path(str(tmp_path)) / "kefu.toml"
    config.write_text('database_url = "sqlite:////srv/kefu.db"\nlog_level = "DEBUG"\n')
    monkeypatch.setenv("KEFU_CONFIG", str(config))
    monkeypatch.setenv("KEFU_LOG_LEVEL", "WARNING")
    settings = Settings()
    assert settings.database_url == "sqlite:////srv/kefu.db"
    assert settings.log_level == "WARNING"  # the environment wins over the file
