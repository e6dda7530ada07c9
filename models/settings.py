"""Settings: environment (DAIHOI_…), then $DAIHOI_HOME/daihoi.toml, then defaults."""

from __future__ import annotations

import getpass
import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)


class Limits(BaseModel):
    """Refusal limits for incoming workbooks (FORMS.md "Files")."""

    file_mb: int = 20
    uncompressed_mb: int = 200
    zip_entries: int = 1000
    compression_ratio: int = 100
    rows_per_sheet: int = 100_000


class Issuer(BaseModel):
    """Who issues the office's documents, and how they are signed."""

    superior: str = "ĐẢNG BỘ THÀNH PHỐ HỒ CHÍ MINH"
    name: str = "ĐẢNG ỦY SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    code: str = "ĐU"
    office: str = "VPĐU"
    place: str = "TP. Hồ Chí Minh"
    signer_authority: str = "T/M BAN THƯỜNG VỤ"
    signer_title: str = "BÍ THƯ"
    signer_name: str = "Nguyễn Văn Hiếu"
    recipients: list[str] = Field(
        default_factory=lambda: [
            "Ban Tổ chức Thành ủy",
            "Văn phòng Thành ủy",
            "Các đồng chí Ban Thường vụ Đảng ủy",
        ]
    )


def os_user() -> str:
    """The effective user's name from the password database (getpass's order elsewhere)."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):  # Windows, or a uid with no entry (some containers)
        pass
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def default_home() -> Path:
    """The data folder when DAIHOI_HOME is not set."""
    return Path("daihoi-data")


class _TomlSource(PydanticBaseSettingsSource):
    """Reads $DAIHOI_HOME/daihoi.toml, when there is one."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        home = Path(os.environ.get("DAIHOI_HOME") or default_home())
        path = home / "daihoi.toml"
        if not path.is_file():
            return {}
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as e:
            raise SettingsError(f"Tệp cấu hình {path} không đúng cú pháp TOML ({e}).") from e
        data.pop("home", None)
        return data


class Settings(BaseSettings):
    """All configuration of daihoi; a default for every field."""

    model_config = SettingsConfigDict(
        env_prefix="DAIHOI_", env_nested_delimiter="__", extra="ignore"
    )

    home: Path = Field(default_factory=default_home)
    database_url: str | None = None
    actor: str | None = None
    # thread | process | dask: how a flow runs the tasks it submits (flows.runners).
    task_runner: Literal["thread", "process", "dask"] = "thread"
    # A Dask scheduler (tcp://host:8786) for `dask`; none: a local cluster per flow run.
    dask_address: str | None = None
    term: str = "2025-2030"
    # The office's time zone (IANA name): what "today" is, schedules, times shown to organisers.
    timezone: str = "Asia/Ho_Chi_Minh"
    margins_mm: tuple[float, float, float, float] = (20, 20, 30, 15)
    issuer: Issuer = Field(default_factory=Issuer)
    limits: Limits = Field(default_factory=Limits)
    # The web application (WEB.md "Security"): DAIHOI_WEB_SECURE_COOKIES=true behind HTTPS.
    web_secure_cookies: bool = False
    web_session_idle_hours: float = 8
    web_session_days: float = 7
    web_code_days: int = 14
    # Request bodies of anything but an upload (forms, logins): 413 beyond this.
    web_max_form_bytes: int = 1_048_576
    # Uploads (`POST /nop`): at most this many bytes a file and files a request; 413 beyond.
    web_max_upload_bytes: int = 20 * 1024 * 1024
    web_max_upload_files: int = 10
    # argon2id cost for web passwords (OWASP's minimum is 19 MiB, 2 passes).
    web_argon2_memory_kib: int = 65536
    web_argon2_time_cost: int = 3
    # How many status documents (scope, as_of, plan, year, data version) a web process keeps.
    web_status_cache: int = 8
    # Weeks K of the trend (DESIGN.md "Decision support": D − 7k for k = K … 0) that progress
    # reports draw, the dashboard shows and `status --trend` prints without --weeks.
    trend_weeks: int = Field(12, ge=1, le=104)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlSource(settings_cls))

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise PydanticCustomError("timezone", "unknown time zone") from e
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The office's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def db_url(self) -> str:
        """The database URL: DAIHOI_DATABASE_URL, else a SQLite file in the home folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'daihoi.sqlite').resolve().as_posix()}"

    @property
    def actor_name(self) -> str:
        """Who audit events name: DAIHOI_ACTOR (or `--actor`, which sets it), else the OS user
        from the password database (so a scheduled run without a login terminal has a name)."""
        if self.actor and self.actor.strip():
            return self.actor.strip()[:120]
        return os_user()


class SettingsError(ValueError):
    """The configuration (DAIHOI_… variables or daihoi.toml) holds a value daihoi cannot use;
    the message is one Vietnamese line naming the setting."""


_WHY = {
    "int_parsing": "không phải số nguyên",
    "int_type": "không phải số nguyên",
    "float_parsing": "không phải số",
    "bool_parsing": "chỉ nhận true hoặc false",
    "string_type": "cần một chuỗi ký tự",
    "timezone": "không phải tên múi giờ IANA (ví dụ Asia/Ho_Chi_Minh)",
}


def _where(loc: tuple[int | str, ...]) -> str:
    name = "__".join(str(part) for part in loc)
    return f"DAIHOI_{name.upper()} (hoặc '{'.'.join(str(p) for p in loc)}' trong daihoi.toml)"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings, built once on first use (never at import); SettingsError when a value is
    unusable."""
    try:
        return Settings()
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        allowed = str(first.get("ctx", {}).get("expected", "")).replace(" or ", " hoặc ")
        bounds = first.get("ctx", {})
        if first["type"] == "greater_than_equal":
            why = f"cần từ {bounds['ge']} trở lên"
        elif first["type"] == "less_than_equal":
            why = f"cần không quá {bounds['le']}"
        else:
            why = (
                f"chỉ nhận {allowed}"
                if allowed
                else _WHY.get(first["type"], "giá trị không dùng được")
            )
        raise SettingsError(
            f"Cấu hình không hợp lệ: {_where(first['loc'])} = {first.get('input')!r}: {why}."
        ) from e


EXAMPLE_TOML = """\
# daihoi configuration. Environment variables DAIHOI_... take precedence.
# database_url = "postgresql+psycopg://postgres@127.0.0.1:5432/daihoi"
term = "2025-2030"
# the office's time zone (IANA name): what "today" is, schedules, times shown
timezone = "Asia/Ho_Chi_Minh"
# margins in millimetres: top, bottom, left, right (Hướng dẫn 36-HD/VPTW)
margins_mm = [20, 20, 30, 15]
# weeks of the trend in progress reports, on the dashboard and in status --trend
trend_weeks = 12

[issuer]
superior = "ĐẢNG BỘ THÀNH PHỐ HỒ CHÍ MINH"
name = "ĐẢNG ỦY SỞ GIÁO DỤC VÀ ĐÀO TẠO"
code = "ĐU"
office = "VPĐU"
place = "TP. Hồ Chí Minh"
signer_authority = "T/M BAN THƯỜNG VỤ"
signer_title = "BÍ THƯ"
signer_name = "Nguyễn Văn Hiếu"
recipients = ["Ban Tổ chức Thành ủy", "Văn phòng Thành ủy", "Các đồng chí Ban Thường vụ Đảng ủy"]

[limits]
file_mb = 20
uncompressed_mb = 200
zip_entries = 1000
compression_ratio = 100
rows_per_sheet = 100000
"""
