"""The compiled renderer: load a template .docx once, render many documents from it.

Each XML part holding tags is cleaned (xml_clean) and compiled once; static parts are deflated
once. A render is then: Jinja over the compiled parts, pinned core properties, optional chart
PNGs in place of the template's placeholder pictures, and a deterministic zip (docx_zip).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, tzinfo
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Template, TemplateError, meta
from jinja2.exceptions import SecurityError, UndefinedError

from tasks.reports.docx import package as docx_zip
from tasks.reports.docx import tags, xml_clean
from tasks.reports.docx.environment import make_environment
from tasks.reports.docx.errors import TemplateRenderError, UnsupportedValue

MM_TO_TWIPS = 1440 / 25.4
_TEMPLATE_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_PG_MAR = re.compile(r"<w:pgMar\b[^>]*/>")
# A picture the office (or the layouts) marked as a chart slot: alt text "daihoi:NAME".
_CHART_SLOT = re.compile(
    r'<wp:docPr\b[^>]*\bdescr="daihoi:([\w-]+)"[^>]*/>.*?r:embed="([^"]+)"', re.DOTALL
)
_RELATIONSHIP = re.compile(r"<Relationship\b[^>]*>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclass
class CompiledTemplate:
    """A template ready to render: compiled parts, pre-deflated static parts, chart slots."""

    name: str
    sha256: str
    order: list[str]
    static: dict[str, docx_zip.ZipEntry]
    compiled: dict[str, Template]
    sources: dict[str, str]
    charts: dict[str, str] = field(default_factory=dict)

    @property
    def variables(self) -> set[str]:
        """The top-level variables the template's tags use."""
        env = make_environment()
        found: set[str] = set()
        for source in self.sources.values():
            found |= meta.find_undeclared_variables(env.parse(source))
        return found

    def render(
        self,
        context: Mapping[str, Any],
        *,
        as_of: date,
        title: str,
        images: Mapping[str, bytes] | None = None,
        zone: tzinfo = UTC,
    ) -> bytes:
        """The bytes of one document: the same context, as_of and images give the same bytes;
        its properties are stamped 00:00 on as_of in `zone` (the caller's office zone)."""
        dynamic: dict[str, bytes] = {}
        try:
            for part, template in self.compiled.items():
                try:
                    dynamic[part] = template.render(context).encode("utf-8")
                except UnsupportedValue as e:
                    raise UnsupportedValue(e.type_name, self.name, part) from e
        except SecurityError as e:
            raise TemplateRenderError(
                f"Mẫu {self.name} có biểu thức không được phép (đã chặn): {e}"
            ) from e
        except UndefinedError as e:
            raise TemplateRenderError(f"Mẫu {self.name} dùng biến không có: {e}") from e
        except TemplateError as e:
            raise TemplateRenderError(f"Mẫu {self.name} lỗi khi điền dữ liệu: {e}") from e
        dynamic[docx_zip.CORE_PROPS_PATH] = docx_zip.core_properties(
            as_of=as_of, title=title, zone=zone
        )
        for slot, png in (images or {}).items():
            target = self.charts.get(slot)
            if target is not None:
                dynamic[target] = png
        entries = []
        for name in self.order:
            raw = dynamic.get(name)
            entries.append(docx_zip.deflate(name, raw) if raw is not None else self.static[name])
        return docx_zip.write_zip(entries)


def _rels_targets(rels_xml: str) -> dict[str, str]:
    targets: dict[str, str] = {}
    for rel in _RELATIONSHIP.findall(rels_xml):
        attrs = dict(_ATTR.findall(rel))
        if "Id" in attrs and "Target" in attrs:
            targets[attrs["Id"]] = attrs["Target"]
    return targets


def _margins_xml(tag: str, margins_mm: tuple[float, float, float, float]) -> str:
    top, bottom, left, right = (round(m * MM_TO_TWIPS) for m in margins_mm)
    values = {"w:top": top, "w:bottom": bottom, "w:left": left, "w:right": right}
    for attr, val in values.items():
        tag = re.sub(rf'{attr}="-?\d+"', f'{attr}="{val}"', tag)
    return tag


def _entry_order(names: list[str]) -> list[str]:
    # Content types and package relationships first, as Word writes them; the rest as stored.
    head = [n for n in ("[Content_Types].xml", "_rels/.rels") if n in names]
    rest = [n for n in names if n not in head and n != docx_zip.CORE_PROPS_PATH]
    return [*head, docx_zip.CORE_PROPS_PATH, *rest]


def compile_template(
    data: bytes, *, name: str, margins_mm: tuple[float, float, float, float] | None = None
) -> CompiledTemplate:
    """Compile a template's bytes (margins, when given, replace the template's page margins)."""
    env = make_environment()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        parts = {n: archive.read(n) for n in names}
    except (zipfile.BadZipFile, KeyError, OSError) as e:
        raise TemplateRenderError(f"Mẫu {name} không phải tệp Word (.docx) hợp lệ.") from e
    if "word/document.xml" not in parts:
        raise TemplateRenderError(f"Mẫu {name} không phải tệp Word (.docx) hợp lệ.")
    compiled: dict[str, Template] = {}
    sources: dict[str, str] = {}
    static_raw: dict[str, bytes] = {}
    for part, raw in parts.items():
        if not _TEMPLATE_PART.match(part):
            static_raw[part] = raw
            continue
        xml = raw.decode("utf-8")
        if part == "word/document.xml" and margins_mm is not None:
            xml = _PG_MAR.sub(lambda m: _margins_xml(m.group(0), margins_mm), xml)
        tags.refuse_unsupported(xml, template=name, part=part)
        patched = xml_clean.patch_part(xml)
        if not xml_clean.has_tags(patched):
            static_raw[part] = patched.encode("utf-8")
            continue
        try:
            compiled[part] = env.from_string(patched)
        except TemplateError as e:
            raise TemplateRenderError(f"Mẫu {name} có thẻ sai cú pháp: {e}") from e
        sources[part] = patched
    charts: dict[str, str] = {}
    rels = parts.get("word/_rels/document.xml.rels")
    if rels is not None:
        targets = _rels_targets(rels.decode("utf-8"))
        document = parts["word/document.xml"].decode("utf-8")
        for slot, rid in _CHART_SLOT.findall(document):
            target = targets.get(rid)
            if target is not None:
                charts[slot] = "word/" + target.lstrip("/").removeprefix("word/")
    return CompiledTemplate(
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        order=_entry_order(names),
        static={n: docx_zip.deflate(n, raw) for n, raw in static_raw.items()},
        compiled=compiled,
        sources=sources,
        charts=charts,
    )


def template_dir() -> Path:
    """Where the packaged templates live (the `templates` package)."""
    try:
        return Path(str(resources.files("templates")))
    except NotADirectoryError:
        # A stale editable install can expose `templates` as a namespace package outside the
        # checkout; its first path entry is still the package folder.
        import templates

        return Path(next(iter(templates.__path__)))


_cache: dict[tuple[str, tuple[float, ...] | None], CompiledTemplate] = {}


def load_template(
    path: Path, *, margins_mm: tuple[float, float, float, float] | None = None
) -> CompiledTemplate:
    """The compiled template at `path`, compiled once per process for its bytes and margins."""
    data = path.read_bytes()
    key = (hashlib.sha256(data).hexdigest(), tuple(margins_mm) if margins_mm else None)
    template = _cache.get(key)
    if template is None:
        template = _cache[key] = compile_template(data, name=path.name, margins_mm=margins_mm)
    return template
