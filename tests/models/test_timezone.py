"""The office's time zone (Settings.timezone, DAIHOI_TIMEZONE) decides what "today" is."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path

import pytest
from sqlalchemy import Engine

import tasks.core.dates as dates
from models.db import read_session, write_session
from models.enums import OrgKind
from models.settings import SettingsError, get_settings
from tasks.reports.docx import package
from tasks.status.present import default_as_of
from tests.helpers.factories import add_org

# 20:00 UTC on 14/03/2025 is already 03:00 on 15/03 in Hồ Chí Minh City.
INSTANT = datetime(2025, 3, 14, 20, 0, tzinfo=UTC)


class _Clock(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        return INSTANT.astimezone(tz)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dates, "datetime", _Clock)


def _zone(monkeypatch: pytest.MonkeyPatch, name: str | None) -> None:
    if name is None:
        monkeypatch.delenv("DAIHOI_TIMEZONE", raising=False)
    else:
        monkeypatch.setenv("DAIHOI_TIMEZONE", name)
    get_settings.cache_clear()


def test_another_zone_moves_today(home: Path, clock: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _zone(monkeypatch, None)
    assert get_settings().timezone == "Asia/Ho_Chi_Minh"
    assert dates.today() == date(2025, 3, 15)
    _zone(monkeypatch, "Europe/London")
    assert dates.today() == date(2025, 3, 14)
    _zone(monkeypatch, "America/Los_Angeles")
    assert dates.today() == date(2025, 3, 14)
    assert dates.local_zone().utcoffset(INSTANT.replace(tzinfo=None)).total_seconds() == -7 * 3600


def test_the_default_as_of_follows_the_zone(
    engine: Engine, clock: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with read_session(engine) as s:
        assert default_as_of(s) == date(2025, 3, 15)
    _zone(monkeypatch, "Europe/London")
    with read_session(engine) as s:
        assert default_as_of(s) == date(2025, 3, 14)


def test_the_zone_is_read_from_daihoi_toml(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _zone(monkeypatch, None)
    (home / "daihoi.toml").write_text('timezone = "Asia/Tokyo"\n', encoding="utf-8")
    get_settings.cache_clear()
    assert get_settings().timezone == "Asia/Tokyo"


def test_an_unknown_zone_is_one_vietnamese_line_naming_the_setting(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _zone(monkeypatch, "Asia/Sai_Gon")
    with pytest.raises(SettingsError) as caught:
        get_settings()
    message = str(caught.value)
    assert "DAIHOI_TIMEZONE" in message and "múi giờ" in message
    assert "\n" not in message


def test_a_documents_date_stamp_is_midnight_in_the_given_zone() -> None:
    from zoneinfo import ZoneInfo

    for name, offset in (("Asia/Ho_Chi_Minh", "+07:00"), ("Europe/London", "+00:00")):
        xml = package.core_properties(as_of=date(2025, 3, 15), title="t", zone=ZoneInfo(name))
        assert f"2025-03-15T00:00:00{offset}</dcterms:created>".encode() in xml


def test_a_rendered_report_is_stamped_in_the_offices_zone(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tasks.reports.api import render_report

    with write_session(engine) as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO, congress=date(2025, 8, 1), committee_size=15)
        add_org(s, "CB-A", parent=root, congress=date(2025, 4, 1), committee_size=3)
    _zone(monkeypatch, "Asia/Tokyo")
    (report,) = render_report(
        kind="inspections", scope=None, as_of=date(2025, 3, 15), out_dir=tmp_path
    )
    with zipfile.ZipFile(io.BytesIO(report.path.read_bytes())) as docx:
        core = docx.read(package.CORE_PROPS_PATH)
    assert b"2025-03-15T00:00:00+09:00</dcterms:created>" in core


def test_serve_runs_the_schedules_on_the_offices_clock(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import prefect

    from flows.cli.serve import deployments_from_yaml, project_file, serve_deployments

    served: list[object] = []
    monkeypatch.setattr(prefect, "serve", lambda *d, **_: served.extend(d))
    _zone(monkeypatch, "Europe/London")
    serve_deployments(deployments_from_yaml(project_file()))
    zones = {s.schedule.timezone for d in served for s in d.schedules}  # type: ignore[attr-defined]
    assert served and zones == {"Europe/London"}
