"""The one answer to "who asks, and what may they see" (STYLE.md "Web").

Every route takes `Depends(allow(ACTION))`. It requires a live session (else NotLoggedIn:
303 to /dang-nhap, 401 for the API), the role's permission for the action (else 403), and
resolves the organisation the request names — `{code}` in the path, else `?org=` — inside the
account's scope: a unit account's own subtree, the registry's root for the other roles.
Anything outside that subtree, or unknown, is 404 with nothing revealed. A report id in the
path is resolved the same way (its scope or subject must lie in the subtree; the drafting
team reads feedback reports only). Routes never check by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request

from flows.web.auth import require_principal
from models.db import read_session
from models.enums import Role
from models.listings import ReportEntry, report_entry
from models.queries import OrgRef, UnknownOrganisation, find_org, find_root
from tasks.accounts.auth import Principal
from tasks.accounts.permissions import can, can_form, can_report, within


class Forbidden(HTTPException):
    """The role may not do this (403)."""

    def __init__(self) -> None:
        super().__init__(status_code=403)


class NotFound(HTTPException):
    """Nothing here for this account (404): unknown, or outside its subtree."""

    def __init__(self) -> None:
        super().__init__(status_code=404)


@dataclass(frozen=True)
class Access:
    """A request that passed the scope rule: who asks, their scope, what they named."""

    principal: Principal
    root: OrgRef | None  # the account's scope; None while the registry is empty
    target: OrgRef | None  # the organisation named (checked inside root), else root
    report: ReportEntry | None = None

    @property
    def role(self) -> Role:
        """The account's role."""
        return self.principal.role

    @property
    def is_office(self) -> bool:
        """An office account (sees personal data of every unit)."""
        return self.principal.role == Role.VAN_PHONG

    def sees(self, org: OrgRef) -> bool:
        """Whether an organisation lies in this account's scope."""
        return self.root is not None and within(self.root.path, org.path)

    def may(self, action: str) -> bool:
        """Whether the role may take another action (for links a page shows)."""
        return can(self.principal.role, action)

    def may_form(self, form: str) -> bool:
        """Whether the role may download this form (for links a page shows)."""
        return can_form(self.principal.role, form)


def _scope_root(session: object, who: Principal) -> OrgRef | None:
    try:
        if who.role == Role.DON_VI:
            assert who.org_code is not None  # the database's check: a unit account has an org
            return find_org(session, code=who.org_code)  # type: ignore[arg-type]
        return find_root(session)  # type: ignore[arg-type]
    except UnknownOrganisation:
        return None


def _named(request: Request) -> str | None:
    code = request.path_params.get("code")
    if code is None:
        code = request.query_params.get("org") or None
    return None if code is None else str(code).strip() or None


def _inside(session: object, root: OrgRef | None, code: str | None) -> OrgRef | None:
    """The organisation `code` names inside `root` (None: root itself), else NotFound."""
    if code is None:
        return root
    try:
        target = find_org(session, code=code)  # type: ignore[arg-type]
    except UnknownOrganisation as e:
        raise NotFound from e
    if root is None or not within(root.path, target.path):
        raise NotFound
    return target


def named_in_scope(request: Request, access: Access, code: str | None) -> OrgRef | None:
    """An organisation a form field names (POST bodies are not seen by `allow`), under the
    same rule: inside the account's scope, else NotFound; blank → the account's scope."""
    with read_session(request.app.state.engine) as session:
        return _inside(session, access.root, (code or "").strip() or None)


def allow(action: str) -> Callable[[Request], Access]:
    """The dependency for a route that takes `action` (a key of PERMISSIONS)."""
    can(Role.VAN_PHONG, action)  # an unknown action fails when the route is declared

    def dependency(request: Request) -> Access:
        who = require_principal(request)
        if not can(who.role, action):
            raise Forbidden
        form = request.path_params.get("form")
        if form is not None and not can_form(who.role, str(form)):
            raise Forbidden
        with read_session(request.app.state.engine) as session:
            root = _scope_root(session, who)
            target = _inside(session, root, _named(request))
            report = None
            report_id = request.path_params.get("report_id")
            if report_id is not None:
                report = report_entry(session, report_id=int(report_id))
                if report is None or root is None:
                    raise NotFound
                inside = within(root.path, report.scope_path) or (
                    report.subject_path is not None and within(root.path, report.subject_path)
                )
                if not inside:
                    raise NotFound
                if not can_report(who.role, report.kind):
                    raise Forbidden
        return Access(principal=who, root=root, target=target, report=report)

    return dependency
