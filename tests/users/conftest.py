"""Cheap argon2 parameters for user tests (same algorithm and code path)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "kefu.users.passwords._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
