"""Password hashing (argon2id) and the password policy.

Policy (OWASP ASVS 2.1): at least 12 characters, at most 128, any
characters (spaces and Chinese included), not one of the common passwords
shipped in ``data/common-passwords.txt``, not the user name. No composition
rules and no forced rotation: they make passwords weaker, not stronger.
"""

from __future__ import annotations

import contextlib
import unicodedata
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kefu.errors import UsageError

MIN_LENGTH = 12
MAX_LENGTH = 128

# argon2-cffi defaults are the RFC 9106 "low memory" profile (argon2id, 64 MiB, t=3).
_hasher = PasswordHasher()


class WeakPassword(UsageError):
    """The new password does not meet the policy."""


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("kefu.users").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _normalise(password: str) -> str:
    # NFKC so that full-width digits and letters (common with Chinese input methods)
    # count as the same password everywhere.
    return unicodedata.normalize("NFKC", password)


def check_policy(password: str, *, username: str | None = None) -> None:
    """Raise :class:`WeakPassword` with one clear sentence if ``password`` is not allowed."""
    pw = _normalise(password)
    if len(pw) < MIN_LENGTH:
        raise WeakPassword(f"the password must be at least {MIN_LENGTH} characters long")
    if len(pw) > MAX_LENGTH:
        raise WeakPassword(f"the password must be at most {MAX_LENGTH} characters long")
    lowered = pw.casefold()
    stem = lowered.rstrip("0123456789!@#$%^&*()-_=+.?~ ")
    common = common_passwords()
    if lowered in common or stem in common or len(set(lowered)) <= 2:
        raise WeakPassword("this password is too common; choose a longer, less predictable one")
    if username and username.casefold() in lowered:
        raise WeakPassword("the password must not contain the user name")


def hash_password(password: str) -> str:
    return _hasher.hash(_normalise(password))


@cache
def _dummy_hash() -> str:
    return _hasher.hash("kefu-dummy-password-for-timing")


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True if ``password`` matches ``stored_hash``.

    With no hash (unknown user) a dummy hash is verified anyway, so an unknown
    user name takes as long as a wrong password and timing reveals nothing.
    """
    if stored_hash is None:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_dummy_hash(), _normalise(password) + "\x00")
        return False
    try:
        return _hasher.verify(stored_hash, _normalise(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
