"""Web accounts, activation codes, sessions, login throttling and the data version (WEB.md).

Secrets are stored only as hashes: passwords as argon2 (pwdlib), activation codes and session
tokens as SHA-256 (they are random and long, so a fast hash is enough). Times are UTC; SQLite
hands them back naive, so readers pass them through `as_utc`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, db_enum
from models.enums import OrgStatus, Role
from models.org import Organisation


class Account(Base):
    """Who may log in to the web application: a login, a role and (for a unit) its organisation."""

    __tablename__ = "account"
    __table_args__ = (
        CheckConstraint("role <> 'don-vi' OR org_id IS NOT NULL", name="unit_has_org"),
        Index("ix_account_org_id", "org_id"),
    )

    login: Mapped[str] = mapped_column(String(64))
    # The login lower-cased: logins compare case-insensitively (a unit's code is its login).
    login_key: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(db_enum(Role, "account_role"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    password_set_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ActivationCode(Base):
    """A one-time, expiring code that lets an account set its first (or a reset) password."""

    __tablename__ = "activation_code"
    __table_args__ = (Index("ix_activation_code_account_id", "account_id"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    code_sha256: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A logged-in browser: the SHA-256 of its cookie's 256-bit token; ending it deletes it."""

    __tablename__ = "web_session"
    __table_args__ = (Index("ix_web_session_account_id", "account_id"),)

    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginFailure(Base):
    """A failed login: the SHA-256 of the login typed (never the text: it may be a password
    typed in the wrong field) and the address it came from."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_login_at", "login_sha256", "at"),
        Index("ix_login_failure_address_at", "address", "at"),
    )

    login_sha256: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginLock(Base):
    """Logins refused (429) until `until` for one login (`kind` login) or address."""

    __tablename__ = "login_lock"
    __table_args__ = (Index("uq_login_lock_kind_key", "kind", "key", unique=True),)

    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))
    until: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DataVersion(Base):
    """One row whose counter moves with every committed write of the domain's data (imports,
    overrides, dispositions, re-parenting): the status cache's key (WEB.md "Fast pages")."""

    __tablename__ = "data_version"

    version: Mapped[int] = mapped_column(BigInteger, default=0)


def as_utc(value: datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite returns it naive)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class AccountRow:
    """An account as callers see it: no ORM object, no hash."""

    id: int
    login: str
    role: Role
    org_id: int | None
    org_code: str | None
    org_name: str | None
    org_path: str | None
    name: str | None
    has_password: bool
    disabled: bool
    last_login_at: datetime | None


_ROW_COLUMNS = (
    Account.id,
    Account.login,
    Account.role,
    Account.org_id,
    Organisation.code,
    Organisation.name,
    Organisation.path,
    Account.name,
    Account.password_hash.is_not(None),
    Account.disabled,
    Account.last_login_at,
)


def _rows(session: Session, stmt: Any) -> list[AccountRow]:
    return [
        AccountRow(
            id=r[0],
            login=r[1],
            role=r[2],
            org_id=r[3],
            org_code=r[4],
            org_name=r[5],
            org_path=r[6],
            name=r[7],
            has_password=bool(r[8]),
            disabled=bool(r[9]),
            last_login_at=None if r[10] is None else as_utc(r[10]),
        )
        for r in session.execute(stmt).all()
    ]


def _select_rows() -> Any:
    return select(*_ROW_COLUMNS).outerjoin(Organisation, Organisation.id == Account.org_id)


def login_key(login: str) -> str:
    """The case-insensitive key a login is found by."""
    return login.strip().lower()


def find_account(session: Session, *, login: str) -> Account | None:
    """The account with this login (any case), or None."""
    return session.scalars(
        select(Account).where(Account.login_key == login_key(login))
    ).one_or_none()


def account_row(session: Session, *, account_id: int) -> AccountRow | None:
    """One account with its organisation's code, name and path."""
    rows = _rows(session, _select_rows().where(Account.id == account_id))
    return rows[0] if rows else None


def list_accounts(
    session: Session,
    *,
    role: Role | None = None,
    search: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[AccountRow]:
    """Accounts by role, then login; optionally one role or a search on login, name or unit."""
    stmt = _select_rows().order_by(Account.role, Account.login_key)
    if role is not None:
        stmt = stmt.where(Account.role == role)
    if search:
        like = f"%{search.strip().lower()}%"
        stmt = stmt.where(
            or_(
                Account.login_key.like(like),
                func.lower(Account.name).like(like),
                func.lower(Organisation.name).like(like),
            )
        )
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    return _rows(session, stmt)


def count_accounts(session: Session, *, role: Role | None = None) -> int:
    """How many accounts (of a role)."""
    stmt = select(func.count(Account.id))
    if role is not None:
        stmt = stmt.where(Account.role == role)
    return int(session.scalar(stmt) or 0)


def has_office_account(session: Session) -> bool:
    """Whether an enabled office (van-phong) account exists."""
    stmt = select(Account.id).where(Account.role == Role.VAN_PHONG, Account.disabled.is_(False))
    return session.scalar(stmt.limit(1)) is not None


def add_account(
    session: Session, *, login: str, role: Role, org_id: int | None, name: str | None
) -> Account:
    """Insert an account without a password (flushed, so its id is known)."""
    account = Account(
        login=login.strip(), login_key=login_key(login), role=role, org_id=org_id, name=name
    )
    session.add(account)
    session.flush()
    return account


def units_without_account(session: Session) -> list[tuple[int, str, str]]:
    """(id, code, name) of every active non-root organisation no account belongs to."""
    stmt = (
        select(Organisation.id, Organisation.code, Organisation.name)
        .outerjoin(Account, Account.org_id == Organisation.id)
        .where(
            Organisation.status == OrgStatus.ACTIVE,
            Organisation.parent_id.is_not(None),
            Account.id.is_(None),
        )
        .order_by(Organisation.path)
    )
    return [(int(r[0]), r[1], r[2]) for r in session.execute(stmt).all()]


def existing_logins(session: Session, *, keys: Sequence[str]) -> set[str]:
    """Which of these login keys are taken (one query)."""
    if not keys:
        return set()
    return set(session.scalars(select(Account.login_key).where(Account.login_key.in_(keys))))


def add_unit_accounts(session: Session, *, units: Sequence[tuple[int, str, str]]) -> None:
    """One don-vi account per (org id, code, name), login = the code, in one statement."""
    if units:
        session.execute(
            insert(Account),
            [
                {
                    "login": code,
                    "login_key": login_key(code),
                    "role": Role.DON_VI,
                    "org_id": org_id,
                    "name": None,
                    "disabled": False,
                }
                for org_id, code, _ in units
            ],
        )


def unit_accounts_awaiting_password(session: Session) -> list[AccountRow]:
    """Enabled don-vi accounts without a password, in tree order of their units."""
    stmt = (
        _select_rows()
        .where(
            Account.role == Role.DON_VI,
            Account.password_hash.is_(None),
            Account.disabled.is_(False),
        )
        .order_by(Organisation.path)
    )
    return _rows(session, stmt)


def set_password_hash(
    session: Session, *, account_id: int, password_hash: str | None, at: datetime
) -> None:
    """Set (or clear) an account's password hash."""
    session.execute(
        update(Account)
        .where(Account.id == account_id)
        .values(password_hash=password_hash, password_set_at=at if password_hash else None)
    )


def set_disabled(session: Session, *, account_id: int, disabled: bool) -> None:
    """Disable or enable an account."""
    session.execute(update(Account).where(Account.id == account_id).values(disabled=disabled))


def mark_login(session: Session, *, account_id: int, at: datetime) -> None:
    """Record a successful login's time."""
    session.execute(update(Account).where(Account.id == account_id).values(last_login_at=at))


def replace_codes(
    session: Session, *, codes: Sequence[tuple[int, str]], expires_at: datetime
) -> None:
    """Give each account (id, code SHA-256) one fresh code, dropping its unused older ones."""
    if not codes:
        return
    ids = [a for a, _ in codes]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(
            delete(ActivationCode).where(
                ActivationCode.account_id.in_(chunk), ActivationCode.used_at.is_(None)
            )
        )
    session.execute(
        insert(ActivationCode),
        [{"account_id": a, "code_sha256": h, "expires_at": expires_at} for a, h in codes],
    )


def open_codes(session: Session, *, account_id: int, now: datetime) -> list[ActivationCode]:
    """An account's unused codes that have not expired."""
    return list(
        session.scalars(
            select(ActivationCode).where(
                ActivationCode.account_id == account_id,
                ActivationCode.used_at.is_(None),
                ActivationCode.expires_at > now,
            )
        )
    )


def use_code(session: Session, *, code_id: int, at: datetime) -> bool:
    """Mark a code used; False when another request used it first (one-time, race-safe)."""
    result = session.execute(
        update(ActivationCode)
        .where(ActivationCode.id == code_id, ActivationCode.used_at.is_(None))
        .values(used_at=at)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def add_session(
    session: Session, *, account_id: int, token_sha256: str, now: datetime, expires_at: datetime
) -> None:
    """Record a new browser session."""
    session.add(
        WebSession(
            token_sha256=token_sha256,
            account_id=account_id,
            last_seen_at=now,
            expires_at=expires_at,
        )
    )
    session.flush()


def find_session(session: Session, *, token_sha256: str) -> WebSession | None:
    """The session of a token's hash, or None."""
    return session.scalars(
        select(WebSession).where(WebSession.token_sha256 == token_sha256)
    ).one_or_none()


def touch_session(session: Session, *, session_id: int, now: datetime) -> None:
    """Move a session's idle clock."""
    session.execute(update(WebSession).where(WebSession.id == session_id).values(last_seen_at=now))


def end_session(session: Session, *, token_sha256: str) -> None:
    """End one session (logout)."""
    session.execute(delete(WebSession).where(WebSession.token_sha256 == token_sha256))


def end_sessions(session: Session, *, account_id: int) -> int:
    """End every session of an account; how many there were."""
    result = session.execute(delete(WebSession).where(WebSession.account_id == account_id))
    return int(getattr(result, "rowcount", 0) or 0)


def add_failure(session: Session, *, login_sha256: str, address: str, at: datetime) -> None:
    """Record a failed login."""
    session.add(LoginFailure(login_sha256=login_sha256, address=address, at=at))
    session.flush()


def failures_since(
    session: Session,
    *,
    since: datetime,
    login_sha256: str | None = None,
    address: str | None = None,
) -> int:
    """Failed logins since a time, for one login or one address."""
    stmt = select(func.count(LoginFailure.id)).where(LoginFailure.at > since)
    if login_sha256 is not None:
        stmt = stmt.where(LoginFailure.login_sha256 == login_sha256)
    if address is not None:
        stmt = stmt.where(LoginFailure.address == address)
    return int(session.scalar(stmt) or 0)


def set_lock(session: Session, *, kind: str, key: str, until: datetime) -> None:
    """Refuse logins of a login or address until a time (replacing an older lock)."""
    session.execute(delete(LoginLock).where(LoginLock.kind == kind, LoginLock.key == key))
    session.add(LoginLock(kind=kind, key=key, until=until))
    session.flush()


def lock_until(session: Session, *, kind: str, key: str) -> datetime | None:
    """Until when a login or address is locked (None: never locked)."""
    value = session.scalar(
        select(LoginLock.until).where(LoginLock.kind == kind, LoginLock.key == key)
    )
    return None if value is None else as_utc(value)


def prune_failures(session: Session, *, before: datetime) -> None:
    """Forget failures and locks too old to matter."""
    session.execute(delete(LoginFailure).where(LoginFailure.at < before))
    session.execute(delete(LoginLock).where(LoginLock.until < before))


def data_version(session: Session) -> int:
    """The current data version (0 for a database that never recorded one)."""
    return int(session.scalar(select(func.max(DataVersion.version))) or 0)


def first_units_of_kinds(session: Session, *, kinds: Sequence[str]) -> list[tuple[str, str]]:
    """(code, name) of the first active organisation (in tree order) of each kind given."""
    out = []
    for kind in kinds:
        row = session.execute(
            select(Organisation.code, Organisation.name)
            .where(Organisation.kind == kind, Organisation.status == OrgStatus.ACTIVE)
            .order_by(Organisation.path)
            .limit(1)
        ).first()
        if row is not None:
            out.append((row[0], row[1]))
    return out
