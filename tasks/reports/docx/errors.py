"""What the renderer refuses, as user errors: the message is for the organiser (Vietnamese)."""

from __future__ import annotations

from tasks.core.errors import UserError


class TemplateRenderError(UserError):
    """A template that cannot be compiled or rendered; the message is for the organiser."""


class UnsupportedTag(TemplateRenderError):
    """A docxtpl tag this renderer does not handle, refused when the template is compiled:
    `tag` as written, the `part` holding it and `where` in that part (paragraph or cell)."""

    def __init__(self, *, template: str, tag: str, meaning: str, part: str, where: str) -> None:
        super().__init__(
            f"Mẫu {template} dùng thẻ {tag} ({meaning}) mà hệ thống chưa hỗ trợ, tại {part}, "
            f"{where}. Hãy bỏ thẻ này khỏi mẫu."
        )
        self.template, self.tag, self.part, self.where = template, tag, part, where


class UnsupportedValue(TemplateRenderError):
    """A value that brings its own Word markup (docxtpl's RichText, InlineImage, Listing,
    Subdoc: anything with `__html__` but markupsafe's Markup), refused when it is rendered: a
    tag is filled with text, numbers and dates, and `{{r }}` with Markup runs only."""

    def __init__(self, type_name: str, template: str = "", part: str = "") -> None:
        where = f"Mẫu {template}, {part}: " if template else ""
        super().__init__(
            f"{where}giá trị kiểu {type_name} mang sẵn định dạng Word (của docxtpl) nên không "
            "điền được vào thẻ; chỉ điền văn bản, số hoặc ngày."
        )
        self.type_name, self.template, self.part = type_name, template, part
