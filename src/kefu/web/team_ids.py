"""Teams in URLs by a short id, so any team name (成都/一组, "A & B", "50%") has an address.

The roster names a team by free text; a ``/`` in it split the path and the
page could not be reached. The id is the first 12 hex digits of the SHA-256 of
the name: stable across runs and imports, needing no table::

    >>> team_url("成都/一组")
    '/teams/d751443da002'
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from kefu.errors import NotFound


def team_id(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


def team_url(name: str) -> str:
    return f"/teams/{team_id(name)}"


def resolve(ref: str, teams: Iterable[str]) -> tuple[str, bool]:
    """The team ``ref`` names among ``teams`` (the ones the user may see), and whether
    ``ref`` was the id; an older URL carrying a name without ``/`` still works."""
    names = list(teams)
    for name in names:
        if team_id(name) == ref:
            return name, True
    if ref in names:
        return ref, False
    raise NotFound(f"no results of team '{ref}'")
