"""Who may do what (WEB.md "Who sees and does what"): the permission table as data, and the
subtree rule. The web's one scope dependency asks these; tests read the same table."""

from __future__ import annotations

from models.enums import Role

VP, LD, BT, DV = Role.VAN_PHONG, Role.LANH_DAO, Role.TO_BIEN_TAP, Role.DON_VI

# action → the roles that may take it. A don-vi account is further held to its own subtree.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "status": frozenset({VP, LD, DV}),  # dashboard, unit pages, status API
    "form": frozenset({VP, BT, DV}),  # a pre-filled form (to-bien-tap: the tiếp thu sheet only)
    "reports": frozenset({VP, LD, BT, DV}),  # reports: list, download (to-bien-tap: feedback)
    "dispositions": frozenset({VP, BT}),  # the drafting workspace /gop-y: answer, group comments
    "audit": frozenset({VP, LD}),  # the audit trail (lanh-dao reads it)
    "accounts": frozenset({VP}),  # accounts: add, disable, reset, activation codes
    "self": frozenset({VP, LD, BT, DV}),  # one's own password, the home page, one's jobs
    "render": frozenset({VP, BT, DV}),  # render a draft report (to-bien-tap: feedback; don-vi:
    # the kinds scoped to its unit)
    "issue": frozenset({VP}),  # take a number from the register (--issue)
    "reminders": frozenset({VP, LD, DV}),  # reminder letters: list (don-vi: its own)
    "remind": frozenset({VP}),  # reminder letters: render
    "upload": frozenset({VP, DV}),  # /nop: upload forms, the receipt register, error workbooks
    "undo": frozenset({VP}),  # undo an accepted intake from its page
}

# The one form the drafting team may download, and the one report kind it reads.
DRAFTING_FORM = "tiep-thu"
DRAFTING_REPORT = "feedback"
REMINDERS = "reminders"


def can(role: Role, action: str) -> bool:
    """Whether a role may take an action at all (KeyError for an unknown action: a typo in a
    route must fail loudly, never allow)."""
    return role in PERMISSIONS[action]


def can_form(role: Role, form: str) -> bool:
    """Whether a role may download this form."""
    return can(role, "form") and (role != BT or form == DRAFTING_FORM)


def can_report(role: Role, kind: str) -> bool:
    """Whether a role may list and download reports of this kind."""
    return can(role, "reports") and (role != BT or kind == DRAFTING_REPORT)


def can_render(role: Role, kind: str) -> bool:
    """Whether a role may render a draft report of this kind (reminder letters are rendered
    by the office only, through "remind")."""
    if not can(role, "render") or kind == REMINDERS:
        return False
    return role != BT or kind == DRAFTING_REPORT


def within(scope_path: str, path: str) -> bool:
    """Whether an organisation (by its materialised path) is the scope or lies under it."""
    return path.startswith(scope_path)


def home_path(role: Role, org_code: str | None) -> str:
    """Where `/` sends an account."""
    if role == DV and org_code:
        return f"/don-vi/{org_code}"
    if role == BT:
        return "/gop-y"
    return "/tong-quan"
