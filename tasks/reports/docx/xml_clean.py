"""Turn a Word part holding docxtpl-style tags into Jinja source, once per template.

Word splits typed text into runs at will (spell-check, edits, formatting), so a tag such as
`{{ unit.name }}` may arrive as `{{</w:t></w:r><w:r><w:t> unit.name }}`. The passes below
follow python-docx-template's, which offices already write templates for:

1. merge the runs a tag was split across;
2. `{% cellbg expr %}` / `{% colspan expr %}` become the cell's shading / span;
3. text holding a tag keeps its spaces (`xml:space="preserve"`), and a `{{r }}` or `{%r %}`
   sharing its run with text gets a run of its own;
4. `{%p …%}`, `{%tr …%}`, `{%tc …%}`, `{%r …%}` replace their enclosing paragraph, table row,
   cell or run with the bare Jinja statement; `{{r expr }}` replaces its run with the run the
   `run` filter makes;
5. inside tags, Word's typographic quotes and XML entities become plain characters.
"""

from __future__ import annotations

import re

_FLAGS = re.DOTALL

_SPLIT_OPEN = re.compile(r"(?<={)(<[^>]*>)+(?=[{%#])|(?<=[%}#])(<[^>]*>)+(?=})", _FLAGS)
_TAG_BODY = re.compile(r"{%(?:(?!%}).)*|{#(?:(?!#}).)*|{{(?:(?!}}).)*", _FLAGS)
_TEXT_BREAK = re.compile(r"</w:t>.*?(?:<w:t>|<w:t [^>]*>)", _FLAGS)
_EMPTY_RUN = re.compile(r"<w:r[ >](?:(?!<w:r[ >]).)*<w:t></w:t>.*?</w:r>", _FLAGS)
_PRESERVE = re.compile(r"<w:t>((?:(?!<w:t>).)*)({{.*?}}|{%.*?%})", _FLAGS)
_MERGE_PREV = re.compile(r"</w:t>(?:(?!</w:t>).)*?{%-", _FLAGS)
_MERGE_NEXT = re.compile(r"-%}(?:(?!<w:t[ >]|{%|{{).)*?<w:t[^>]*?>", _FLAGS)
_IN_TAG = re.compile(r"(?<=\{[{%])(.*?)(?=[}%]})", _FLAGS)
_RUN = re.compile(r"<w:r[ >](?:(?!<w:r[ >]).)*?</w:r>", _FLAGS)
_RUN_TAG = re.compile(r"({{r\s.*?}}|{%r\s.*?%})", _FLAGS)
_RUN_PARTS = re.compile(
    r"(<w:r[ >][^>]*>|<w:r>)(<w:rPr>.*?</w:rPr>|<w:rPr/>)?<w:t(?: [^>]*)?>(.*?)</w:t></w:r>", _FLAGS
)

_TAG_CHARS = {
    "&lt;": "<",
    "&gt;": ">",
    "&quot;": '"',
    "&apos;": "'",
    "&amp;": "&",
    "&#8216;": "'",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
}


def merge_split_tags(xml: str) -> str:
    """Pass 1: a tag Word split across runs (or wrapped in markup) made whole again."""
    xml = _SPLIT_OPEN.sub("", xml)
    return _TAG_BODY.sub(lambda m: _TEXT_BREAK.sub("", m.group(0)), xml)


def _split_run_tags(xml: str) -> str:
    """A `{{r }}` or `{%r %}` sharing its run with text gets a run of its own, the text
    around it runs of their own with the same properties (as docxtpl splits it, without the
    empty runs), so replacing the tag's run keeps that text. A run holding only the tag, or
    anything besides one text (a break, a tab), is left as it is."""

    def split(m: re.Match[str]) -> str:
        run = m.group(0)
        if "{{r" not in run and "{%r" not in run:
            return run
        parts = _RUN_PARTS.fullmatch(run)
        if parts is None:
            return run
        opener, props, text = parts.group(1), parts.group(2) or "", parts.group(3)
        pieces = _RUN_TAG.split(text)
        if len(pieces) == 1 or not any(pieces[::2]):
            return run
        return "".join(
            f'{opener}{props}<w:t xml:space="preserve">{piece}</w:t></w:r>'
            for piece in pieces
            if piece
        )

    return _RUN.sub(split, xml) if "{{r" in xml or "{%r" in xml else xml


def _insert_cell_prop(cell: str, prop_xml: str, successors: tuple[str, ...]) -> str:
    """Put a property into a cell's <w:tcPr> before the first successor (schema order)."""
    start = re.search(r"<w:tcPr>|<w:tcPr [^>]*>", cell)
    if start is None:
        return re.sub(
            r"(<w:tc[^>]*>)", lambda t: f"{t.group(1)}<w:tcPr>{prop_xml}</w:tcPr>", cell, count=1
        )
    end = cell.index("</w:tcPr>", start.end())
    inner = cell[start.end() : end]
    at = len(inner)
    for name in successors:
        found = re.search(rf"<w:{name}[ />]", inner)
        if found is not None:
            at = min(at, found.start())
    inner = inner[:at] + prop_xml + inner[at:]
    return cell[: start.end()] + inner + cell[end:]


_AFTER_SHD = (
    "noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark", "headers",
    "cellIns", "cellDel", "cellMerge", "tcPrChange",
)  # fmt: skip
_AFTER_GRID_SPAN = ("hMerge", "vMerge", "tcBorders", "shd", *_AFTER_SHD)


def _cell_property(xml: str, tag: str, prop: str, template: str) -> str:
    after = _AFTER_GRID_SPAN if prop == "gridSpan" else _AFTER_SHD
    pattern = re.compile(
        r"(<w:tc[ >](?:(?!<w:tc[ >]).)*){%\s*" + tag + r"\s+([^%]*)\s*%}(.*?</w:tc>)", _FLAGS
    )

    def patch(m: re.Match[str]) -> str:
        cell = _EMPTY_RUN.sub("", m.group(1) + m.group(3))
        cell = re.sub(rf"<w:{prop}[^/]*/>", "", cell, count=1)
        value = template.replace("EXPR", m.group(2).strip())
        return _insert_cell_prop(cell, value, after)

    return pattern.sub(patch, xml)


def _replace_enclosing(xml: str, element: str) -> str:
    pattern = re.compile(
        rf"<w:{element}[ >](?:(?!<w:{element}[ >]).)*({{%|{{{{){element} ([^}}%]*(?:%}}|}}}})).*?</w:{element}>",
        _FLAGS,
    )

    def keep_tag(m: re.Match[str]) -> str:
        opener, rest = m.group(1), m.group(2)
        if element == "r" and opener == "{{":
            # A rich-text run: the `run` filter returns a whole <w:r>, escaped.
            return "{{ (" + rest[: -len("}}")].strip() + ")|run }}"
        return f"{opener} {rest}"

    return pattern.sub(keep_tag, xml)


def _replace_comment_blocks(xml: str, element: str) -> str:
    pattern = re.compile(
        rf"<w:{element}[ >](?:(?!<w:{element}[ >]).)*({{#){element} ([^}}#]*(?:#}})).*?</w:{element}>",
        _FLAGS,
    )
    return pattern.sub(r"\1 \2", xml)


def _clean_inside_tags(xml: str) -> str:
    def clean(m: re.Match[str]) -> str:
        text = m.group(0)
        for src, dst in _TAG_CHARS.items():
            text = text.replace(src, dst)
        return text

    return _IN_TAG.sub(clean, xml)


def has_tags(xml: str) -> bool:
    """Whether a part holds any template tag (after merging split runs)."""
    return "{{" in xml or "{%" in xml or "{#" in xml


def patch_part(xml: str) -> str:
    """The Jinja source of a Word XML part written with docxtpl-style tags."""
    xml = merge_split_tags(xml)
    xml = _cell_property(xml, "colspan", "gridSpan", '<w:gridSpan w:val="{{ EXPR }}"/>')
    xml = _cell_property(
        xml, "cellbg", "shd", '<w:shd w:val="clear" w:color="auto" w:fill="{{ EXPR }}"/>'
    )
    xml = _PRESERVE.sub(r'<w:t xml:space="preserve">\1\2', xml)
    xml = _split_run_tags(xml)
    xml = _MERGE_PREV.sub("{%", xml)
    xml = _MERGE_NEXT.sub("%}", xml)
    for element in ("tr", "tc", "p", "r"):
        xml = _replace_enclosing(xml, element)
    for element in ("tr", "tc", "p"):
        xml = _replace_comment_blocks(xml, element)
    return _clean_inside_tags(xml)
