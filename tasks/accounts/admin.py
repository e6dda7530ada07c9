"""Managing accounts (WEB.md "Starting it"): add, list, disable, reset, activation codes.

The CLI (`daihoi users …`) and the web's /tai-khoan call these same functions. Every change is
an audit event (never a password or a code); disabling or resetting ends the account's sessions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models import accounts as q
from models.accounts import AccountRow
from models.db import read_session, write_with_retry
from models.enums import AuditAction, Role
from models.queries import UnknownOrganisation, find_org
from models.settings import get_settings
from tasks.accounts.secrets import code_hash, hash_password, new_activation_code, password_problem
from tasks.core.audit import AuditRow, record_audit
from tasks.core.errors import UsageError, UserError

LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")


class AccountError(UserError):
    """An account change that cannot be made (a taken login, an unknown unit, …)."""


@dataclass(frozen=True)
class IssuedCode:
    """A one-time activation code handed to a person (shown once, stored only hashed)."""

    login: str
    role: Role
    org_code: str | None
    org_name: str | None
    code: str
    expires_at: datetime


def parse_role(text: str) -> Role:
    """A role from its code (van-phong, lanh-dao, to-bien-tap, don-vi)."""
    try:
        return Role(text.strip().lower())
    except ValueError as e:
        roles = ", ".join(r.value for r in Role)
        raise UsageError(f"--role: '{text}' không hợp lệ; chọn một trong: {roles}.") from e


def _event(
    row: AccountRow | q.Account, event: str, action: AuditAction, **extra: object
) -> AuditRow:
    role = row.role.value
    return AuditRow(
        entity="account",
        entity_id=row.id,
        org_id=row.org_id,
        action=action,
        after={"login": row.login, "role": role, "event": event, **extra},
    )


def _expiry(now: datetime) -> datetime:
    return now + timedelta(days=get_settings().web_code_days)


def _require(session: Session, login: str) -> AccountRow:
    found = q.find_account(session, login=login)
    row = q.account_row(session, account_id=found.id) if found else None
    if row is None:
        raise AccountError(f"Không có tài khoản '{login}'.")
    return row


def add_user(
    engine: Engine,
    *,
    login: str,
    role: Role,
    org_code: str | None,
    name: str | None,
    password: str | None,
    actor: str,
    source: str,
    now: datetime,
) -> IssuedCode | None:
    """Create an account; returns its activation code, or None when a password was given."""
    login = login.strip()
    if not LOGIN_PATTERN.match(login):
        raise UsageError(
            f"Tên đăng nhập '{login}' không hợp lệ: 2–64 ký tự chữ không dấu, số, '.', '_' hoặc '-'."
        )
    if role == Role.DON_VI and not org_code:
        raise UsageError("Tài khoản đơn vị (don-vi) cần --org: mã đơn vị của tài khoản.")
    if role != Role.DON_VI and org_code:
        raise UsageError("Chỉ tài khoản đơn vị (don-vi) mới gắn với một đơn vị (--org).")
    if password is not None:
        problem = password_problem(login, password)
        if problem:
            raise AccountError(problem)
    hashed = hash_password(password) if password is not None else None
    code = None if password is not None else new_activation_code()

    def work(session: Session) -> IssuedCode | None:
        org = None
        if org_code:
            try:
                org = find_org(session, code=org_code)
            except UnknownOrganisation as e:
                raise AccountError(f"Không tìm thấy đơn vị có mã '{org_code}'.") from e
        if q.find_account(session, login=login) is not None:
            raise AccountError(f"Tên đăng nhập '{login}' đã có.")
        account = q.add_account(
            session, login=login, role=role, org_id=org.id if org else None, name=name
        )
        if hashed is not None:
            q.set_password_hash(session, account_id=account.id, password_hash=hashed, at=now)
        events = [_event(account, "created", AuditAction.CREATE, org=org.code if org else None)]
        issued = None
        if code is not None:
            q.replace_codes(session, codes=[(account.id, code_hash(code))], expires_at=_expiry(now))
            events.append(_event(account, "code-issued", AuditAction.UPDATE))
            issued = IssuedCode(
                login,
                role,
                org.code if org else None,
                org.name if org else None,
                code,
                _expiry(now),
            )
        record_audit(session, actor=actor, source=source, events=events)
        return issued

    return write_with_retry(work, engine=engine, changes_data=False)


def list_users(engine: Engine) -> list[AccountRow]:
    """Every account, by role then login."""
    with read_session(engine) as session:
        return q.list_accounts(session)


def disable_user(engine: Engine, *, login: str, actor: str, source: str) -> int:
    """Disable an account; its sessions end at once. Returns how many sessions ended."""

    def work(session: Session) -> int:
        row = _require(session, login)
        q.set_disabled(session, account_id=row.id, disabled=True)
        ended = q.end_sessions(session, account_id=row.id)
        record_audit(
            session,
            actor=actor,
            source=source,
            events=[_event(row, "disabled", AuditAction.UPDATE)],
        )
        return ended

    return write_with_retry(work, engine=engine, changes_data=False)


def reset_user(engine: Engine, *, login: str, actor: str, source: str, now: datetime) -> IssuedCode:
    """Clear an account's password, end its sessions, enable it again and give it a new code."""
    code = new_activation_code()

    def work(session: Session) -> IssuedCode:
        row = _require(session, login)
        q.set_password_hash(session, account_id=row.id, password_hash=None, at=now)
        q.set_disabled(session, account_id=row.id, disabled=False)
        q.end_sessions(session, account_id=row.id)
        q.replace_codes(session, codes=[(row.id, code_hash(code))], expires_at=_expiry(now))
        record_audit(
            session, actor=actor, source=source, events=[_event(row, "reset", AuditAction.UPDATE)]
        )
        return IssuedCode(row.login, row.role, row.org_code, row.org_name, code, _expiry(now))

    return write_with_retry(work, engine=engine, changes_data=False)


def issue_unit_codes(engine: Engine, *, actor: str, source: str, now: datetime) -> list[IssuedCode]:
    """An account for every active unit that has none (login = the unit's code), then a fresh
    code for every enabled unit account without a password (`daihoi users codes`)."""

    def work(session: Session) -> list[IssuedCode]:
        missing = q.units_without_account(session)
        taken = q.existing_logins(session, keys=[q.login_key(c) for _, c, _ in missing])
        clashes = [c for _, c, _ in missing if q.login_key(c) in taken]
        if clashes:
            raise AccountError(
                f"Tên đăng nhập trùng mã đơn vị đã có tài khoản khác: {', '.join(clashes[:5])}."
            )
        q.add_unit_accounts(session, units=missing)
        created = {org_id for org_id, _, _ in missing}
        waiting = q.unit_accounts_awaiting_password(session)
        codes = {row.id: new_activation_code() for row in waiting}
        expires = _expiry(now)
        q.replace_codes(
            session, codes=[(i, code_hash(c)) for i, c in codes.items()], expires_at=expires
        )
        events = []
        for row in waiting:
            if row.org_id in created:
                events.append(_event(row, "created", AuditAction.CREATE, org=row.org_code))
            events.append(_event(row, "code-issued", AuditAction.UPDATE))
        record_audit(session, actor=actor, source=source, events=events)
        return [
            IssuedCode(row.login, row.role, row.org_code, row.org_name, codes[row.id], expires)
            for row in waiting
        ]

    return write_with_retry(work, engine=engine, changes_data=False)


def office_account_exists(engine: Engine) -> bool:
    """Whether anyone can log in as the office."""
    with read_session(engine) as session:
        return q.has_office_account(session)
