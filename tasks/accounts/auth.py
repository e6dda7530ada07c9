"""Logging in and out, activation, password changes, and the session behind a cookie.

Passwords are checked outside any write transaction (argon2 is slow on purpose, and SQLite
has one writer); the bookkeeping that follows is one short transaction. Every function takes
`now` (UTC), so tests move the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models import accounts as q
from models.accounts import AccountRow, as_utc
from models.db import read_session, write_with_retry
from models.enums import AuditAction, Role
from models.settings import get_settings
from tasks.accounts.secrets import (
    code_hash,
    hash_password,
    new_session_token,
    password_problem,
    same_hash,
    sha256_hex,
    verify_password,
)
from tasks.core.audit import AuditRow, record_audit

WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
MAX_LOGIN_FAILURES = 5
MAX_ADDRESS_FAILURES = 30
TOUCH_EVERY = timedelta(seconds=60)
SOURCE = "web"

Outcome = Literal["ok", "bad", "throttled", "disabled", "weak"]


@dataclass(frozen=True)
class Principal:
    """Who is asking: the account behind a live session."""

    account_id: int
    login: str
    role: Role
    org_id: int | None
    org_code: str | None
    org_path: str | None
    name: str | None


@dataclass(frozen=True)
class AuthResult:
    """What a login, an activation or a password change came to."""

    outcome: Outcome
    token: str | None = None
    principal: Principal | None = None
    retry_after: int = 0
    message: str | None = None


def principal_of(row: AccountRow) -> Principal:
    """The principal of an account row."""
    return Principal(row.id, row.login, row.role, row.org_id, row.org_code, row.org_path, row.name)


def _login_event(
    account: AccountRow | None, outcome: str, address: str, action: AuditAction
) -> AuditRow:
    return AuditRow(
        entity="login",
        entity_id=account.id if account else None,
        org_id=account.org_id if account else None,
        action=action,
        after={"login": account.login if account else None, "outcome": outcome, "address": address},
    )


def _actor(account: AccountRow | None) -> str:
    return account.login if account else "(không rõ)"


def _locked_for(session: Session, *, login_sha: str, address: str, now: datetime) -> int:
    """Seconds until a lock on this login or address ends (0: not locked)."""
    ends = [
        q.lock_until(session, kind="login", key=login_sha),
        q.lock_until(session, kind="address", key=address),
    ]
    left = max(((e - now).total_seconds() for e in ends if e is not None), default=0.0)
    return max(0, int(left + 0.999))


def _fail(
    engine: Engine, *, login_sha: str, address: str, account: AccountRow | None, now: datetime
) -> AuthResult:
    """Record a failure; lock the login (5 in 15 min) or the address (30) when it tips over.
    The attempt that tips it over is answered as wrong; the lock refuses the next ones."""

    def work(session: Session) -> None:
        q.add_failure(session, login_sha256=login_sha, address=address, at=now)
        events = [_login_event(account, "failure", address, AuditAction.CREATE)]
        since = now - WINDOW
        if q.failures_since(session, since=since, login_sha256=login_sha) >= MAX_LOGIN_FAILURES:
            q.set_lock(session, kind="login", key=login_sha, until=now + LOCK)
            events.append(_login_event(account, "throttled", address, AuditAction.CREATE))
        if q.failures_since(session, since=since, address=address) >= MAX_ADDRESS_FAILURES:
            q.set_lock(session, kind="address", key=address, until=now + LOCK)
            events.append(_login_event(None, "throttled-address", address, AuditAction.CREATE))
        if len(events) > 1:
            q.prune_failures(session, before=now - WINDOW - LOCK)
        record_audit(session, actor=_actor(account), source=SOURCE, events=events)

    write_with_retry(work, engine=engine, changes_data=False)
    return AuthResult("bad")


def _open_session(
    session: Session, *, account: AccountRow, address: str, now: datetime, event: str
) -> str:
    """A fresh session for an account (a new token on every login: no fixation)."""
    s = get_settings()
    token, digest = new_session_token()
    q.add_session(
        session,
        account_id=account.id,
        token_sha256=digest,
        now=now,
        expires_at=now + timedelta(days=s.web_session_days),
    )
    q.mark_login(session, account_id=account.id, at=now)
    record_audit(
        session,
        actor=account.login,
        source=SOURCE,
        events=[_login_event(account, event, address, AuditAction.CREATE)],
    )
    return token


def _lookup(
    engine: Engine, login: str, address: str, now: datetime
) -> tuple[int, AccountRow | None, str | None]:
    """(seconds locked, the account, its password hash) in one read transaction."""
    with read_session(engine) as session:
        login_sha = sha256_hex(q.login_key(login))
        locked = _locked_for(session, login_sha=login_sha, address=address, now=now)
        found = q.find_account(session, login=login)
        row = q.account_row(session, account_id=found.id) if found else None
        return locked, row, found.password_hash if found else None


def log_in(engine: Engine, *, login: str, password: str, address: str, now: datetime) -> AuthResult:
    """Check a login and password; a new session on success. A locked login or address is
    refused (429) before the password is even looked at, also when it is right."""
    login_sha = sha256_hex(q.login_key(login))
    locked, account, stored = _lookup(engine, login, address, now)
    if locked:
        return AuthResult("throttled", retry_after=locked)
    if not verify_password(password, stored) or account is None:
        return _fail(engine, login_sha=login_sha, address=address, account=account, now=now)
    if account.disabled:
        write_with_retry(
            lambda s: record_audit(
                s,
                actor=account.login,
                source=SOURCE,
                events=[_login_event(account, "disabled", address, AuditAction.CREATE)],
            ),
            engine=engine,
            changes_data=False,
        )
        return AuthResult("disabled")
    token = write_with_retry(
        lambda s: _open_session(s, account=account, address=address, now=now, event="success"),
        engine=engine,
        changes_data=False,
    )
    return AuthResult("ok", token=token, principal=principal_of(account))


def activate(
    engine: Engine, *, login: str, code: str, password: str, address: str, now: datetime
) -> AuthResult:
    """Set a password with a one-time activation code; logs the account in. A wrong code
    counts as a failed login (the same throttle)."""
    login_sha = sha256_hex(q.login_key(login))
    locked, account, _ = _lookup(engine, login, address, now)
    if locked:
        return AuthResult("throttled", retry_after=locked)
    problem = password_problem(login, password)
    if problem:
        return AuthResult("weak", message=problem)
    wanted = code_hash(code)
    with read_session(engine) as session:
        codes = (
            q.open_codes(session, account_id=account.id, now=now)
            if account and not account.disabled
            else []
        )
        match = next((c.id for c in codes if same_hash(c.code_sha256, wanted)), None)
    if account is None or match is None:
        return _fail(engine, login_sha=login_sha, address=address, account=account, now=now)
    new_hash = hash_password(password)

    def work(session: Session) -> str | None:
        if not q.use_code(session, code_id=match, at=now):
            return None  # used by a concurrent request a moment ago
        q.set_password_hash(session, account_id=account.id, password_hash=new_hash, at=now)
        q.end_sessions(session, account_id=account.id)
        record_audit(
            session,
            actor=account.login,
            source=SOURCE,
            events=[_account_event(account, "activated")],
        )
        return _open_session(session, account=account, address=address, now=now, event="success")

    token = write_with_retry(work, engine=engine, changes_data=False)
    if token is None:
        return _fail(engine, login_sha=login_sha, address=address, account=account, now=now)
    return AuthResult("ok", token=token, principal=principal_of(account))


def _account_event(account: AccountRow, event: str) -> AuditRow:
    return AuditRow(
        entity="account",
        entity_id=account.id,
        org_id=account.org_id,
        action=AuditAction.UPDATE,
        after={"login": account.login, "event": event},
    )


def change_password(
    engine: Engine,
    *,
    principal: Principal,
    current: str,
    new: str,
    address: str,
    now: datetime,
) -> AuthResult:
    """Change one's own password: every session of the account ends, this browser gets a new one."""
    problem = password_problem(principal.login, new)
    if problem:
        return AuthResult("weak", message=problem)
    locked, account, stored = _lookup(engine, principal.login, address, now)
    if locked:
        return AuthResult("throttled", retry_after=locked)
    if account is None or not verify_password(current, stored):
        login_sha = sha256_hex(q.login_key(principal.login))
        return _fail(engine, login_sha=login_sha, address=address, account=account, now=now)
    new_hash = hash_password(new)

    def work(session: Session) -> str:
        q.set_password_hash(session, account_id=account.id, password_hash=new_hash, at=now)
        q.end_sessions(session, account_id=account.id)
        record_audit(
            session,
            actor=account.login,
            source=SOURCE,
            events=[_account_event(account, "password-changed")],
        )
        return _open_session(session, account=account, address=address, now=now, event="success")

    token = write_with_retry(work, engine=engine, changes_data=False)
    return AuthResult("ok", token=token, principal=principal_of(account))


def log_out(engine: Engine, *, token: str, address: str) -> None:
    """End this browser's session (audited when there was one)."""
    digest = sha256_hex(token)

    def work(session: Session) -> None:
        found = q.find_session(session, token_sha256=digest)
        if found is None:
            return
        account = q.account_row(session, account_id=found.account_id)
        q.end_session(session, token_sha256=digest)
        record_audit(
            session,
            actor=_actor(account),
            source=SOURCE,
            events=[_login_event(account, "logout", address, AuditAction.DELETE)],
        )

    write_with_retry(work, engine=engine, changes_data=False)


def session_principal(engine: Engine, *, token: str, now: datetime) -> Principal | None:
    """The account behind a cookie's token, if its session is alive (idle < 8 h, age < 7 days,
    account enabled); an expired session is ended on the way."""
    s = get_settings()
    digest = sha256_hex(token)
    with read_session(engine) as session:
        found = q.find_session(session, token_sha256=digest)
        if found is None:
            return None
        account = q.account_row(session, account_id=found.account_id)
        seen, expires, sid = as_utc(found.last_seen_at), as_utc(found.expires_at), found.id
    idle = timedelta(hours=s.web_session_idle_hours)
    if account is None or account.disabled or now >= expires or now >= seen + idle:
        write_with_retry(
            lambda ss: q.end_session(ss, token_sha256=digest), engine=engine, changes_data=False
        )
        return None
    if now - seen >= TOUCH_EVERY:  # not a write per request: once a minute is precise enough
        write_with_retry(
            lambda ss: q.touch_session(ss, session_id=sid, now=now),
            engine=engine,
            changes_data=False,
        )
    return principal_of(account)
