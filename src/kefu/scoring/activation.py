"""Making a stored scorecard version the one scoring uses (the web page, the API and the CLI).

A version is stored when it is saved (``kefu scorecard add``, the scorecards
page) or first used; activating it writes it into the workspace's
``scorecards/`` folder in place of the file it supersedes — the file of the
same scorecard name or, for a default scorecard (no ``applies_to``), the
current default — and audits the change. Either all of that happens or
nothing does: on any failure the folder is put back as it was::

    done = activate_version(ws, 7, actor="cli:li")
    done.card.version, done.path.name, done.replaced
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from kefu import audit
from kefu.errors import NotFound, UsageError
from kefu.scoring.models import ScorecardVersion
from kefu.scoring.registry import load_version, save_scorecard, scorecard_files
from kefu.scoring.scorecard import Scorecard, load_scorecard
from kefu.workspace import Workspace

_HASH_PREFIX = re.compile(r"[0-9a-f]{6,64}")


@dataclass(frozen=True)
class Activation:
    """What an activation did: the version, its scorecard, its file and the files it replaced."""

    version: ScorecardVersion
    card: Scorecard
    path: Path
    replaced: tuple[str, ...]


def stored_version(ws: Workspace, version_id: int) -> ScorecardVersion:
    """The stored version with this id, or :class:`NotFound`."""
    with ws.db.session() as s:
        found = s.get(ScorecardVersion, version_id)
    if found is None:
        raise NotFound(f"no scorecard version {version_id}")
    return found


def find_version(ws: Workspace, ref: str) -> ScorecardVersion:
    """A stored version by id (``7``), content hash or its start (``3f2a9c``), or version label.

    A label (``2026.2``) or hash start that several versions share is refused
    with their ids, so the user can name one.
    """
    ref = ref.strip()
    if ref.isdigit():
        return stored_version(ws, int(ref))
    with ws.db.session() as s:
        every = list(s.scalars(select(ScorecardVersion).order_by(ScorecardVersion.id)))
    found = [v for v in every if v.version == ref]
    if not found and _HASH_PREFIX.fullmatch(ref):
        found = [v for v in every if v.content_hash.startswith(ref)]
    if not found:
        raise NotFound(f"no scorecard version '{ref}'; give its id, its hash or its version label")
    if len(found) > 1:
        ids = ", ".join(f"{v.id} ({v.name} {v.version})" for v in found)
        raise UsageError(f"'{ref}' names several scorecard versions: {ids}; give the id")
    return found[0]


def superseded(ws: Workspace, card: Scorecard) -> list[Path]:
    """The workspace files ``card`` replaces: the same name, or the default for a default."""
    return [
        path
        for path in scorecard_files(ws)
        if (other := load_scorecard(path)).name == card.name
        or (card.is_default and other.is_default)
    ]


def activate_version(ws: Workspace, version_id: int, *, actor: str) -> Activation:
    """Make stored version ``version_id`` the one scoring uses, audited as ``scorecard.activate``.

    A version that no longer validates raises
    :class:`~kefu.scoring.scorecard.ScorecardInvalid` before anything is
    touched; any later failure puts every scorecard file back.
    """
    v = stored_version(ws, version_id)
    card = load_version(ws, v.content_hash)
    replaced = superseded(ws, card)
    kept = {path: path.read_bytes() for path in scorecard_files(ws)}
    try:
        for path in replaced:
            path.unlink()
        card, _, target = save_scorecard(ws, card, actor=actor)
        with ws.db.transaction() as s:
            audit.record(
                s,
                actor,
                "scorecard.activate",
                "scorecard",
                v.id,
                before={"files": [p.name for p in replaced]},
                after={"name": card.name, "version": card.version, "content_hash": v.content_hash},
            )
    except BaseException:
        _restore(ws, kept)
        raise
    return Activation(v, card, target, tuple(p.name for p in replaced))


def _restore(ws: Workspace, kept: dict[Path, bytes]) -> None:
    """Put the scorecards folder back to ``kept`` (path → content)."""
    for path in scorecard_files(ws):
        if path not in kept:
            path.unlink()
    for path, content in kept.items():
        path.write_bytes(content)
