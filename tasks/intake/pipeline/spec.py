"""Form definitions (templates/forms/<form>.yaml): sheets, columns, types, choices, a version."""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from tasks.core.text import norm_key

# What a column may hold; `ignored` columns (STT) are recognised but never read.
COLUMN_TYPES = frozenset(
    {
        "text",
        "code",
        "date",
        "integer",
        "number",
        "percent",
        "choice",
        "multichoice",
        "status",
        "ignored",
    }
)


class SpecError(ValueError):
    """A form definition that does not follow this module's schema (a packaging bug)."""


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a form's sheet: its label (as printed), field name, type and limits."""

    label: str
    field: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    hint: str | None = None
    width: float | None = None

    @property
    def key(self) -> str:
        """The label's comparison key (FORMS.md rule 1)."""
        return norm_key(self.label)


@dataclass(frozen=True)
class SheetSpec:
    """One sheet of a form: its name, whether it may be absent, and its columns."""

    id: str
    name: str
    columns: tuple[ColumnSpec, ...]
    optional: bool = False

    @property
    def key(self) -> str:
        """The sheet name's comparison key."""
        return norm_key(self.name)

    @property
    def required_columns(self) -> tuple[ColumnSpec, ...]:
        """The columns the header must have."""
        return tuple(c for c in self.columns if c.required)

    def column(self, field_name: str) -> ColumnSpec:
        """The column writing `field_name`."""
        for col in self.columns:
            if col.field == field_name:
                return col
        raise KeyError(field_name)


@dataclass(frozen=True)
class FormSpec:
    """A form: its code (`nhan-su`), version, printed title and sheets."""

    form: str
    version: int
    title: str
    sheets: tuple[SheetSpec, ...]
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def sheet(self, sheet_id: str) -> SheetSpec:
        """The sheet with this id."""
        for sheet in self.sheets:
            if sheet.id == sheet_id:
                return sheet
        raise KeyError(sheet_id)

    @property
    def main(self) -> SheetSpec:
        """The first sheet: the one that must be present."""
        return self.sheets[0]


def _column(raw: dict[str, Any], where: str) -> ColumnSpec:
    try:
        col = ColumnSpec(
            label=str(raw["label"]),
            field=str(raw["field"]),
            type=str(raw["type"]),
            required=bool(raw.get("required", False)),
            choices=tuple(str(c) for c in raw.get("choices", ())),
            min=raw.get("min"),
            max=raw.get("max"),
            hint=raw.get("hint"),
            width=raw.get("width"),
        )
    except KeyError as e:
        raise SpecError(f"{where}: missing {e}") from e
    if col.type not in COLUMN_TYPES:
        raise SpecError(f"{where}: unknown type {col.type!r}")
    if col.type in ("choice", "multichoice") and not col.choices:
        raise SpecError(f"{where}: a choice column needs choices")
    # The generated workbook lists choices inline in a data validation.
    if any("," in c for c in col.choices):
        raise SpecError(f"{where}: choices may not contain commas")
    return col


def parse_spec(data: dict[str, Any]) -> FormSpec:
    """A FormSpec from a YAML mapping, checked."""
    form = str(data["form"])
    sheets = []
    for s in data["sheets"]:
        cols = tuple(_column(c, f"{form}/{s['name']}") for c in s["columns"])
        keys = [c.key for c in cols]
        if len(set(keys)) != len(keys):
            raise SpecError(f"{form}/{s['name']}: two columns share a label")
        sheets.append(
            SheetSpec(
                id=str(s.get("id", s["name"])),
                name=str(s["name"]),
                columns=cols,
                optional=bool(s.get("optional", False)),
            )
        )
    if not sheets or sheets[0].optional:
        raise SpecError(f"{form}: the first sheet must be required")
    known = {"form", "version", "title", "sheets", "description"}
    return FormSpec(
        form=form,
        version=int(data["version"]),
        title=str(data.get("title", form)),
        sheets=tuple(sheets),
        description=str(data.get("description", "")),
        extra={k: v for k, v in data.items() if k not in known},
    )


def _forms_dir() -> importlib.resources.abc.Traversable:
    return importlib.resources.files("templates.forms")


@lru_cache(maxsize=1)
def all_forms() -> dict[str, FormSpec]:
    """Every packaged form definition, by form code."""
    specs: dict[str, FormSpec] = {}
    for entry in sorted(_forms_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            spec = parse_spec(yaml.safe_load(entry.read_text(encoding="utf-8")))
            specs[spec.form] = spec
    return specs


def load_form(form: str) -> FormSpec:
    """The definition of one form (`nhan-su`); KeyError when there is none."""
    return all_forms()[form]


def form_for_sheets(sheet_names: list[str]) -> FormSpec | None:
    """The form a workbook without `_meta` is, recognised by its sheet names (rule 1)."""
    present = {norm_key(n) for n in sheet_names}
    matches = [s for s in all_forms().values() if s.main.key in present]
    return matches[0] if len(matches) == 1 else None
