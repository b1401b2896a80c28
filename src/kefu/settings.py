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
    db_pool_size: int = Field(
        default=20, ge=1, description="PostgreSQL connections kept open per instance"
    )
    db_pool_overflow: int = Field(
        default=10, ge=0, description="Extra PostgreSQL connections opened at peaks, then closed"
    )
    db_pool_timeout_s: float = Field(
        default=30, gt=0, description="How long a request waits for a free connection"
    )
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
    model_registry: str | None = Field(
        default=None,
        description="Folder of the learning loop's model registry (shared by the instances): "
        "its current intent model replaces the built-in one and a promotion reloads it live",
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
    job_lease_s: float = Field(
        default=30, gt=0, description="A queued job left this long by its instance runs elsewhere"
    )
    job_workers: int = Field(default=8, gt=0, description="Queued jobs run at once per instance")
    ops_timezone: str = Field(
        default="Asia/Shanghai", description="'Today' on the live board starts at its midnight"
    )
    rate_limits: bool = Field(
        default=True, description="Abuse limits on log-in, new conversations and messages"
    )
    login_failures_per_account: int = Field(default=5, ge=1, description="per window")
    login_failures_per_address: int = Field(default=30, ge=1, description="per window")
    login_window_s: float = Field(default=300, gt=0)
    starts_per_address: int = Field(
        default=60, ge=1, description="New conversations per address per minute"
    )
    messages_per_customer: int = Field(default=60, ge=1, description="Per conversation a minute")
    messages_per_address: int = Field(default=600, ge=1, description="Per address a minute")
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Origins (https://host) allowed to open agent WebSockets besides our own",
    )
    chat_frame_ancestors: str = Field(
        default="*", description="CSP frame-ancestors of /chat: who may embed the widget"
    )
    webhook_allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts an alert webhook may point to even on a private address",
    )
    widget_identity_secret: SecretStr | None = Field(
        default=None,
        description="Shared with the customer's site: HMAC-SHA256 of data-uid proves who it is",
    )
    emotion_ttl_s: float = Field(
        default=72 * 3600, gt=0, description="Emotion readings are deleted after this long"
    )
    purge_interval_s: float = Field(default=600, gt=0, description="How often purges run")
    enable_echo: bool = Field(
        default=False, description="Expose a bare echo endpoint, used as the benchmark ceiling"
    )
    public_url: str = Field(default="", description="Base of links sent to customers")
    survey_webhook_url: str | None = Field(
        default=None, description="NPS surveys are also POSTed here (SMS or e-mail gateway)"
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
