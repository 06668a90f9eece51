"""Activating a stored scorecard version: in force, audited, all or nothing (and from the CLI)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from kefu.audit import AuditEntry
from kefu.cli import app
from kefu.errors import NotFound, UsageError
from kefu.scoring import activation
from kefu.scoring.activation import activate_version, find_version
from kefu.scoring.models import ScorecardVersion
from kefu.scoring.registry import record_version, save_scorecard, workspace_scorecards
from kefu.scoring.scorecard import DEFAULT_SCORECARD, ScorecardInvalid, load_scorecard
from kefu.workspace import Workspace

runner = CliRunner()
SHIPPED = DEFAULT_SCORECARD.read_text(encoding="utf-8")


def _text(version: str, *, name: str = "hotline", applies_to: str = "") -> str:
    text = SHIPPED.replace("name: 热线客服月度考核", f"name: {name}", 1)
    text = text.replace('version: "2026.1"', f'version: "{version}"', 1)
    return text + (f"applies_to: {applies_to}\n" if applies_to else "")


def _stored(ws: Workspace, text: str) -> ScorecardVersion:
    """A version kept in the store but not put in force (as ``targets suggest --write``)."""
    with ws.db.transaction() as s:
        return record_version(s, load_scorecard(text), "cli:test")


def _folder(ws: Workspace) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(ws.scorecards_dir.iterdir())}


def _activations(ws: Workspace) -> list[AuditEntry]:
    with ws.db.session() as s:
        q = select(AuditEntry).where(AuditEntry.action == "scorecard.activate")
        return list(s.scalars(q.order_by(AuditEntry.id)))


@pytest.fixture
def in_force(ws: Workspace) -> Workspace:
    """hotline 2026.1 in force as the default, a chat scorecard for team C1 beside it."""
    save_scorecard(ws, _text("2026.1"), actor="cli:test")
    save_scorecard(ws, _text("1", name="chat", applies_to="{teams: [C1]}"), actor="cli:test")
    return ws


def test_activating_a_stored_version_replaces_the_default_it_supersedes(in_force):
    v2 = _stored(in_force, _text("2026.2"))
    done = activate_version(in_force, v2.id, actor="web:li")
    assert done.path.name == "hotline-2026.2.yaml"
    assert done.replaced == ("hotline-2026.1.yaml",)
    # The chat scorecard has another name and is not a default: it stays.
    assert sorted(_folder(in_force)) == ["chat-1.yaml", "hotline-2026.2.yaml"]
    assert workspace_scorecards(in_force).default.version == "2026.2"


def test_activation_is_audited_with_the_files_it_replaced(in_force):
    v2 = _stored(in_force, _text("2026.2"))
    activate_version(in_force, v2.id, actor="web:li")
    [entry] = _activations(in_force)
    assert (entry.actor, entry.object_type, entry.object_id) == ("web:li", "scorecard", str(v2.id))
    assert entry.before == {"files": ["hotline-2026.1.yaml"]}
    assert entry.after == {"name": "hotline", "version": "2026.2", "content_hash": v2.content_hash}


def test_a_version_that_no_longer_validates_is_refused_and_nothing_moves(in_force):
    # Stored by an older Kefu that let weights summing to 90 through (fcr_rate 12 → 2).
    with in_force.db.transaction() as s:
        bad = ScorecardVersion(
            name="hotline", version="old", content_hash="0" * 64,
            content=_text("old").replace("weight: 12", "weight: 2", 1), saved_by="cli:test",
        )  # fmt: skip
        s.add(bad)
    before = _folder(in_force)
    with pytest.raises(ScorecardInvalid) as refused:
        activate_version(in_force, bad.id, actor="web:li")
    assert any("sum to 90" in i.message for i in refused.value.issues)
    assert _folder(in_force) == before
    assert _activations(in_force) == []


def test_a_failure_after_the_files_moved_puts_them_back(in_force, monkeypatch):
    v2 = _stored(in_force, _text("2026.2"))
    before = _folder(in_force)

    def audit_fails(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(activation.audit, "record", audit_fails)
    with pytest.raises(RuntimeError):
        activate_version(in_force, v2.id, actor="web:li")
    assert _folder(in_force) == before
    assert workspace_scorecards(in_force).default.version == "2026.1"


def test_activating_the_same_version_twice_moves_nothing_the_second_time(in_force):
    v2 = _stored(in_force, _text("2026.2"))
    activate_version(in_force, v2.id, actor="web:li")
    once = _folder(in_force)
    again = activate_version(in_force, v2.id, actor="web:li")
    assert again.replaced == ("hotline-2026.2.yaml",)
    assert _folder(in_force) == once


def test_a_version_is_found_by_id_hash_start_or_label(in_force):
    v2 = _stored(in_force, _text("2026.2"))
    assert find_version(in_force, str(v2.id)).id == v2.id
    assert find_version(in_force, v2.content_hash[:8]).id == v2.id
    assert find_version(in_force, "2026.2").id == v2.id
    with pytest.raises(NotFound):
        find_version(in_force, "2031.1")
    with pytest.raises(NotFound):
        find_version(in_force, "999")


def test_a_label_two_versions_share_is_refused_with_their_ids(in_force):
    _stored(in_force, _text("2026.2"))
    _stored(in_force, _text("2026.2", name="claims", applies_to="{teams: [L1]}"))
    with pytest.raises(UsageError, match="names several scorecard versions"):
        find_version(in_force, "2026.2")


# -- kefu scorecard activate ---------------------------------------------------------
def _invoke(ws: Workspace, *args: str):
    return runner.invoke(app, ["scorecard", "activate", *args, "--home", str(ws.home)])


def test_cli_activate_says_what_it_activated_and_audits_the_os_user(in_force, monkeypatch):
    monkeypatch.setattr("kefu.cli.scoring.cli_actor", lambda: "cli:li")
    v2 = _stored(in_force, _text("2026.2"))
    result = _invoke(in_force, "2026.2")
    assert result.exit_code == 0, result.output
    assert f"activated hotline 2026.2 (version {v2.id}, hash {v2.content_hash[:12]})" in (
        result.stdout
    )
    assert "replaced hotline-2026.1.yaml" in result.stdout
    [entry] = _activations(in_force)
    assert entry.actor == "cli:li"
    assert workspace_scorecards(in_force).default.version == "2026.2"


def test_cli_activate_refuses_an_invalid_version_with_its_issues(in_force):
    with in_force.db.transaction() as s:
        bad = ScorecardVersion(
            name="hotline", version="old", content_hash="1" * 64,
            content=_text("old").replace("weight: 12", "weight: 2", 1), saved_by="cli:test",
        )  # fmt: skip
        s.add(bad)
    before = _folder(in_force)
    result = _invoke(in_force, str(bad.id))
    assert result.exit_code == 1
    # fcr_rate 12 → 2: its dimension's indicators sum to 6 + 6 + 2 + 6 = 20, all to 90
    assert f"version {bad.id} (hotline old): 2 issue(s)" in result.stderr
    assert "the dimension weight is 30 but its indicator weights sum to 20" in result.stderr
    assert "indicator weights must sum to 100; they sum to 90" in result.stderr
    assert _folder(in_force) == before and _activations(in_force) == []


def test_cli_activate_names_an_unknown_version(in_force):
    result = _invoke(in_force, "2031.1")
    assert result.exit_code == 1
    assert "no scorecard version '2031.1'" in str(result.exception)


def test_help_names_the_activate_command() -> None:
    result = runner.invoke(app, ["scorecard", "--help"])
    assert "activate" in result.stdout
