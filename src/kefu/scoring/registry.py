"""A workspace's scorecards: files under ``scorecards/``, versions in the app store.

Several scorecards may live in a workspace; each agent is scored with the one
whose ``applies_to`` names the agent's team (or, failing that, site) on the
first day of the period, else with the default — the one without
``applies_to``, or the shipped scorecard when the workspace has none.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu import audit
from kefu.errors import KefuError, NotFound
from kefu.scoring.models import ScorecardVersion
from kefu.scoring.scorecard import Scorecard, default_scorecard, load_scorecard, parse_scorecard
from kefu.workspace import Workspace


def scorecard_files(ws: Workspace) -> list[Path]:
    folder = ws.scorecards_dir
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


@dataclass(frozen=True)
class ScorecardSet:
    """The scorecards of a workspace, ready to choose one per agent."""

    default: Scorecard
    specific: tuple[Scorecard, ...]

    @property
    def all(self) -> list[Scorecard]:
        return [self.default, *self.specific]

    def for_agent(self, team: str | None, site: str | None) -> Scorecard:
        by_team = [c for c in self.specific if c.applies_to and team in c.applies_to.teams]
        by_site = [c for c in self.specific if c.applies_to and site in c.applies_to.sites]
        for found, what in ((by_team, f"team '{team}'"), (by_site, f"site '{site}'")):
            if len(found) > 1:
                names = ", ".join(f"'{c.name}'" for c in found)
                raise KefuError(f"{what} is named by several scorecards ({names}); keep one")
            if found:
                return found[0]
        return self.default


# Parsing and validating the scorecard files is most of a centre overview's time at
# 10,000 agents, and pages ask for them several times a request: keep the parsed set
# for as long as the files' texts are the same (a changed text is a new key).
_SETS: dict[tuple[tuple[str, bytes], ...], ScorecardSet] = {}
_SETS_LOCK = threading.Lock()


def workspace_scorecards(ws: Workspace) -> ScorecardSet:
    """The workspace's scorecards (shared: read them, never change them)."""
    texts = tuple((str(p), p.read_bytes()) for p in scorecard_files(ws))
    with _SETS_LOCK:
        found = _SETS.get(texts)
    if found is None:
        found = _scorecard_set(texts)
        with _SETS_LOCK:
            if len(_SETS) >= 16:
                _SETS.clear()
            _SETS[texts] = found
    return found


def _scorecard_set(texts: tuple[tuple[str, bytes], ...]) -> ScorecardSet:
    cards = [parse_scorecard(text.decode("utf-8"), where=p, path=Path(p)) for p, text in texts]
    defaults = [c for c in cards if c.is_default]
    if len(defaults) > 1:
        files = ", ".join(str(c.path.name) for c in defaults if c.path)
        raise KefuError(
            f"several scorecards without applies_to ({files}); only one can be the default"
        )
    default = defaults[0] if defaults else default_scorecard()
    return ScorecardSet(default, tuple(c for c in cards if not c.is_default))


def single(card: Scorecard) -> ScorecardSet:
    """Every agent on one scorecard (``kefu score --scorecard FILE``)."""
    return ScorecardSet(card, ())


def find_scorecard(ws: Workspace, name: str | None = None) -> Scorecard:
    """The scorecard named ``name`` (name or file stem); the default without a name."""
    cards = workspace_scorecards(ws)
    if name is None:
        return cards.default
    for c in cards.all:
        if c.name == name or (c.path is not None and c.path.stem == name):
            return c
    known = ", ".join(c.name for c in cards.all)
    raise NotFound(f"no scorecard '{name}'; the scorecards are: {known}")


def record_version(session: Session, card: Scorecard, actor: str | None) -> ScorecardVersion:
    """The stored version of ``card`` (recorded the first time it is saved or used)."""
    found = session.scalars(
        select(ScorecardVersion).where(ScorecardVersion.content_hash == card.content_hash)
    ).first()
    if found is not None:
        return found
    version = ScorecardVersion(
        name=card.name,
        version=card.version,
        content_hash=card.content_hash,
        content=card.source_text,
        path=str(card.path) if card.path else None,
        saved_by=actor,
    )
    session.add(version)
    session.flush()
    audit.record(
        session,
        actor or "system",
        "scorecard.save",
        "scorecard",
        version.id,
        after={"name": card.name, "version": card.version, "content_hash": card.content_hash},
    )
    return version


def _file_name(card: Scorecard) -> str:
    stem = re.sub(r"[^\w.-]+", "-", f"{card.name}-{card.version}").strip("-.") or "scorecard"
    return f"{stem}.yaml"


def save_scorecard(
    ws: Workspace, source: Path | str | Scorecard, *, actor: str, file_name: str | None = None
) -> tuple[Scorecard, ScorecardVersion, Path]:
    """Validate a scorecard, put it in the workspace and record its version."""
    card = source if isinstance(source, Scorecard) else load_scorecard(source)
    target = ws.scorecards_dir / (file_name or _file_name(card))
    ws.scorecards_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".tmp-{target.name}")
    tmp.write_text(card.source_text, encoding="utf-8")
    existed = target.exists()
    previous = target.read_bytes() if existed else None
    tmp.replace(target)
    card = load_scorecard(target)
    try:
        # Refuse a set of scorecards that cannot choose (two defaults, …) right away.
        workspace_scorecards(ws)
    except KefuError:
        if previous is not None:
            target.write_bytes(previous)
        else:
            target.unlink()
        raise
    with ws.db.transaction() as s:
        version = record_version(s, card, actor)
    return card, version, target


def versions(ws: Workspace) -> list[ScorecardVersion]:
    with ws.db.session() as s:
        return list(s.scalars(select(ScorecardVersion).order_by(ScorecardVersion.id)))


# Stored versions never change (a content hash names one text): pages that explain a
# run's grades rebuild its scorecard on every request, so keep the parsed ones.
_VERSIONS: dict[tuple[str, str], Scorecard] = {}
_VERSIONS_MAX = 64
_VERSIONS_LOCK = threading.Lock()


def load_version(ws: Workspace, content_hash: str) -> Scorecard:
    """Rebuild the exact scorecard a past run used, from the stored content."""
    # A copy: callers own the scorecard they are given.
    return shared_version(ws, content_hash).model_copy(deep=True)


def shared_version(ws: Workspace, content_hash: str) -> Scorecard:
    """The scorecard a past run used, shared between callers who only read it.

    The copy :func:`load_version` makes costs a page more than the rest of its reading
    at 10,000 agents; explaining grades and building report headings never change it.
    """
    key = (ws.database_url, content_hash)
    with _VERSIONS_LOCK:
        kept = _VERSIONS.get(key)
    if kept is None:
        kept = _load_version(ws, content_hash)
        with _VERSIONS_LOCK:
            if len(_VERSIONS) >= _VERSIONS_MAX:
                _VERSIONS.clear()
            _VERSIONS[key] = kept
    return kept


def _load_version(ws: Workspace, content_hash: str) -> Scorecard:
    with ws.db.session() as s:
        found = s.scalars(
            select(ScorecardVersion).where(ScorecardVersion.content_hash == content_hash)
        ).first()
    if found is None:
        raise NotFound(f"no stored scorecard version {content_hash[:12]}")
    return parse_scorecard(found.content, where=f"{found.name} {found.version}")
