"""Random secrets and their stored forms: session tokens, activation codes, password hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from models.settings import get_settings

# No 0/O, 1/I/L: a code is read off paper and typed by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS = 4
CODE_GROUP_LEN = 4  # 16 symbols of 31: ~79 bits
MIN_PASSWORD = 10


def sha256_hex(text: str) -> str:
    """The SHA-256 of a text, as 64 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_session_token() -> tuple[str, str]:
    """A random 256-bit cookie token and the SHA-256 the database keeps of it."""
    token = secrets.token_urlsafe(32)
    return token, sha256_hex(token)


def new_activation_code() -> str:
    """A one-time code like `7KQ2-MX9D-…`, easy to read aloud and type."""
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LEN))
        for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


def code_hash(code: str) -> str:
    """The stored form of a code as typed: case, spaces and dashes do not matter."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return sha256_hex(cleaned)


def same_hash(a: str, b: str) -> bool:
    """Compare two hashes in constant time."""
    return hmac.compare_digest(a.encode(), b.encode())


@lru_cache(maxsize=4)
def _hasher(memory_kib: int, time_cost: int) -> PasswordHash:
    return PasswordHash((Argon2Hasher(memory_cost=memory_kib, time_cost=time_cost),))


def hasher() -> PasswordHash:
    """argon2id with the configured cost."""
    s = get_settings()
    return _hasher(s.web_argon2_memory_kib, s.web_argon2_time_cost)


def hash_password(password: str) -> str:
    """The argon2id hash of a password."""
    return hasher().hash(password)


@lru_cache(maxsize=4)
def _dummy_hash(memory_kib: int, time_cost: int) -> str:
    return _hasher(memory_kib, time_cost).hash(secrets.token_hex(16))


def verify_password(password: str, stored: str | None) -> bool:
    """Whether a password matches a stored hash; with no hash, as slow as a real check (an
    unknown login takes as long to refuse as a wrong password)."""
    s = get_settings()
    if stored is None:
        hasher().verify(password, _dummy_hash(s.web_argon2_memory_kib, s.web_argon2_time_cost))
        return False
    try:
        return hasher().verify(password, stored)
    except Exception:  # a malformed stored hash: never a match
        return False


def password_problem(login: str, password: str) -> str | None:
    """Why a new password is refused (Vietnamese), or None: ≥ 10 characters, not the login."""
    if len(password) < MIN_PASSWORD:
        return f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự."
    if password.strip().lower() == login.strip().lower():
        return "Mật khẩu không được trùng với tên đăng nhập."
    return None
