"""Password policy and argon2id hashing, including the unknown-user path."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.users import passwords
from kefu.users.passwords import (
    MIN_LENGTH,
    WeakPassword,
    check_policy,
    hash_password,
    verify_password,
)


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "我的密码是一句很长的中文句子",
        "Tr0ub4dor&3-extra",
        "x" * 5 + "yz1234567",
    ],
)
def test_long_uncommon_passwords_are_accepted(password: str) -> None:
    check_policy(password, username="li.lei")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short pass", "at least 12"),
        ("password1234", "too common"),
        ("PASSWORD1234", "too common"),  # case does not matter
        ("iloveyou2026!", "too common"),  # common word plus digits and a symbol
        ("qwertyuiopasdfghjkl", "too common"),
        ("ａｄｍｉｎ１２３４５６７８", "too common"),  # full-width input is the same password
        ("aaaaaaaaaaaaaaa", "too common"),
        ("abababababababab", "too common"),
        ("li.lei-is-my-name", "user name"),
        ("x" * 129, "at most 128"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    with pytest.raises(WeakPassword, match=reason):
        check_policy(password, username="li.lei")


def test_minimum_length_counts_characters_not_bytes() -> None:
    check_policy("客服绩效考核系统密码很安全", username=None)  # 13 characters, 39 bytes
    with pytest.raises(WeakPassword):
        check_policy("客服绩效考核系统密码安", username=None)  # 11 characters


def test_common_password_list_is_shipped_with_the_package() -> None:
    common = passwords.common_passwords()
    assert {"123456", "password", "woaini1314", "qwerty123456"} <= common
    assert all(p == p.lower() for p in common)


def test_hash_is_argon2id_and_salted() -> None:
    first, second = (
        hash_password("correct horse battery staple"),
        hash_password("correct horse battery staple"),
    )
    assert first.startswith("$argon2id$") and first != second


def test_production_parameters_are_owasp_strength() -> None:
    from argon2 import PasswordHasher

    real = PasswordHasher()  # what kefu.users.passwords uses outside the tests
    assert real.memory_cost >= 19 * 1024 and real.time_cost >= 2
    assert real.type.name == "ID"


def test_verify_accepts_the_right_password_only() -> None:
    stored = hash_password("correct horse battery staple")
    assert verify_password(stored, "correct horse battery staple")
    assert not verify_password(stored, "correct horse battery stapl")
    assert not verify_password("not a hash", "anything at all")


def test_unknown_user_still_runs_a_full_verification(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = passwords._hasher

    class Counting:
        def hash(self, password: str) -> str:
            return real.hash(password)

        def verify(self, hash_: str, password: str) -> bool:
            calls.append(hash_)
            return real.verify(hash_, password)

    monkeypatch.setattr(passwords, "_hasher", Counting())
    assert verify_password(None, "guess guess guess") is False
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")
    # Even the dummy password itself does not match the dummy hash.
    assert verify_password(None, "kefu-dummy-password-for-timing") is False


@settings(max_examples=15, deadline=None)
@given(st.text(min_size=MIN_LENGTH, max_size=40))
def test_any_password_verifies_against_its_own_hash(password: str) -> None:
    stored = hash_password(password)
    assert verify_password(stored, password)
    assert not verify_password(stored, password + "x")
