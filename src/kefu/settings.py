"""Settings from environment variables (KEFU_*) and an optional TOML file (KEFU_CONFIG)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEVELOPMENT_SECRET = "kefu-development-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KEFU_", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    database_url: str = "sqlite:///var/kefu.db"
    redis_url: str | None = None
    business_url: str | None = Field(
        default=None, description="Order API of the business; unset means the demo system"
    )
    business_api_key: SecretStr | None = None
    business_timeout_s: float = 3.0
    agent_token_ttl_s: int = 12 * 3600
    customer_token_ttl_s: int = 30 * 24 * 3600
    log_level: str = "INFO"
    log_json: bool = True
    max_body_bytes: int = 256 * 1024
    auto_assign: bool = Field(
        default=True, description="Offer waiting customers to online agents automatically"
    )
    bot_enabled: bool = Field(
        default=True,
        description="The bot greets customers, answers them and hands over to humans",
    )
    sla_first_response_s: float = Field(
        default=120, gt=0, description="First human reply due this long after queueing"
    )
    sla_resolution_s: float = Field(
        default=3600, gt=0, description="Resolution due this long after queueing"
    )
    sla_warn_at: float = Field(default=0.8, gt=0, lt=1, description="Warn at this share")
    dispatch_interval_s: float = Field(
        default=2.0, gt=0, description="How often assignment is retried without any event"
    )
    enable_echo: bool = Field(
        default=False, description="Expose a bare echo endpoint, used as the benchmark ceiling"
    )

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.env != "development" and self.secret_key.get_secret_value() == DEVELOPMENT_SECRET:
            raise ValueError(
                "KEFU_SECRET_KEY must be set to a secret of your own outside development "
                f"(KEFU_ENV={self.env})"
            )
        if len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("KEFU_SECRET_KEY must be at least 32 characters")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("KEFU_CONFIG")
        if config_file:
            if not Path(config_file).is_file():
                raise ValueError(f"KEFU_CONFIG points to {config_file}, which is not a file")
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)
