"""The Party's document format (Hướng dẫn 36-HD/VPTW): the header, number, date and sign-off
every report shares, as the `doc` variable of every template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from models.settings import Issuer
from tasks.core.dates import vn_date_line
from tasks.reports.labels import term_label

# Type sizes in points (DOMAIN.md §9.2).
PARTY_TITLE_PT = 15
ORG_PT = 14
TYPE_NAME_PT = 16
SUBJECT_PT = 14
CV_SUBJECT_PT = 12
BODY_PT = 14
RECIPIENTS_TITLE_PT = 12
RECIPIENTS_PT = 11
TABLE_PT = 12
FONT = "Times New Roman"
PARTY_TITLE = "ĐẢNG CỘNG SẢN VIỆT NAM"

# Document type codes used for numbering: reports and official letters.
REPORT = "BC"
LETTER = "CV"
DOC_TYPES = (
    "NQ", "CT", "KL", "QĐ", "QC", "TB", "HD", "TT", "BC", "KH",
    "CTr", "TTr", "CV", "BB", "ĐA", "PA", "BS",
)  # fmt: skip

# A draft leaves room for the number to be written in by hand.
BLANK_NUMBER = "     "


def number_line(number: int | None, doc_type: str, issuer_code: str) -> str:
    """'Số 12-BC/ĐU', or 'Số      -BC/ĐU' for a draft (no colon, a hyphen before the type)."""
    shown = BLANK_NUMBER if number is None else str(number)
    return f"Số {shown}-{doc_type}/{issuer_code}"


def recipient_lines(recipients: list[str], office: str) -> list[str]:
    """'Nơi nhận' lines: '- X;' each, the last '- Lưu <office>.'"""
    lines = [f"- {r.strip().rstrip(';.')};" for r in recipients if r.strip()]
    return [*lines, f"- Lưu {office}."]


@dataclass(frozen=True)
class DocumentHead:
    """What a document says about itself: type, subject and whom it goes to."""

    doc_type: str
    type_name: str
    subject: str
    recipients: list[str]
    addressee: str = ""


def doc_context(
    head: DocumentHead, *, issuer: Issuer, as_of: date, number: int | None, term: str
) -> dict[str, Any]:
    """The `doc` variable: header, number, date line, type name, subject, sign-off."""
    return {
        "as_of": as_of.isoformat(),
        "term": term_label(term),
        "superior": issuer.superior.upper(),
        "issuer": issuer.name.upper(),
        "number_line": number_line(number, head.doc_type, issuer.code),
        "date_line": vn_date_line(issuer.place, as_of),
        "type_name": head.type_name.upper(),
        "subject": head.subject,
        "addressee": head.addressee,
        "recipients": recipient_lines(head.recipients, issuer.office),
        "signer_authority": issuer.signer_authority.upper(),
        "signer_title": issuer.signer_title.upper(),
        "signer_name": issuer.signer_name,
    }


def with_number(
    context: dict[str, Any], number: int, doc_type: str, issuer_code: str
) -> dict[str, Any]:
    """A copy of a context whose document carries an issued number."""
    doc = dict(context["doc"])
    doc["number_line"] = number_line(number, doc_type, issuer_code)
    return {**context, "doc": doc}
