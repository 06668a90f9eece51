"""Errors users can act on: one clear sentence, never a traceback."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any


class KefuError(Exception):
    """Base of every error shown to a user; ``exit_code`` is used by the CLI."""

    exit_code = 1
    # Where the web catalogue has the message in every language: its id (the params fill
    # it in); ``message`` is what the CLI prints.
    key: str | None = None
    params: Mapping[str, Any] = MappingProxyType({})

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(KefuError):
    """The command was asked for something it cannot do as asked (exit 2)."""

    exit_code = 2


class NoWorkspace(KefuError):
    """No initialised workspace where one was expected."""

    exit_code = 2


class OutdatedWorkspace(KefuError):
    """A workspace whose database schema is older than this version of Kefu."""

    exit_code = 2


class NotFound(KefuError):
    """A named object (period, agent, batch, scorecard…) does not exist."""


def keyed(exc: KefuError, key: str, **params: Any) -> KefuError:
    """``exc`` with the catalogue id of its message, so a page shows it in the user's language."""
    exc.key = key
    exc.params = MappingProxyType(dict(params))
    return exc
