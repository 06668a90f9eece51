"""The import wizard's state between its steps, and the profile a column mapping makes.

The web wizard (数据导入 → 导入向导) takes one file through: upload → the table and
profile its headers call for (:mod:`kefu.ingest.recognize`) → for an unknown layout, a
column mapping with suggestions (:mod:`kefu.ingest.suggest`) → a dry run
(:mod:`kefu.ingest.preview`) → a workspace profile saved as
``<workspace>/mappings/<name>.yaml`` (the CLI's ``--mapping NAME`` reads the same
file) → the import, by the upload job.

Each wizard is a JSON record ``<uploads>/wizard/<id>.json`` naming its owner, the kept
upload and every choice made so far, so a step can be shown again (a typed mapping is
saved before it is checked, and is never lost on an error). Usage::

    w = start(ws, owner="web:li", name="pbx.csv", path=saved_path)
    w.mapping = {"contact_id": "h:CallRef", "channel": "c:phone"}
    draft = profile_yaml(w)            # validated by kefu.ingest.mapping
    save(ws, w)
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from kefu.errors import KefuError, NotFound, UsageError
from kefu.ingest.mapping import BUILTIN_DIR, Profile, builtin_profiles, parse_profile
from kefu.store.tables import TABLES

if TYPE_CHECKING:
    from kefu.workspace import Workspace

WIZARD_ID = re.compile(r"[0-9a-f]{32}")
PROFILE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")
# A mapping choice: "h:<header>" (a column of the file) or "c:<value>" (a constant).
HEADER, CONST = "h:", "c:"
SAMPLE_ROWS = 20


@dataclass
class Wizard:
    """One file's way through the wizard (see the module notes)."""

    id: str
    owner: str
    file: str  # the upload's file name
    path: str  # the kept upload, relative to the workspace home
    headers: list[str] = field(default_factory=list)
    rows: list[list[str | None]] = field(default_factory=list)
    # The table and profile chosen (profile None: the canonical layout or a mapping).
    table: str | None = None
    profile: str | None = None
    candidates: list[str] = field(default_factory=list)
    # Canonical column → choice ("h:Header" / "c:value"), as last typed.
    mapping: dict[str, str] = field(default_factory=dict)
    step: str = "detect"  # detect | map | preview | saved
    saved_as: str | None = None
    # The last dry run (kefu.ingest.preview.Preview as a dict).
    preview: dict[str, Any] | None = None

    @property
    def uses_mapping(self) -> bool:
        return self.profile is None and bool(self.mapping)


class WizardError(KefuError):
    """A wizard step refused, with the catalogue id of its message."""

    def __init__(self, message: str, key: str, **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


class MissingColumns(WizardError):
    """Required columns of the table that the mapping leaves without a header or value."""

    def __init__(self, table: str, columns: list[str]) -> None:
        super().__init__(
            f"these required columns have no header: {', '.join(columns)}",
            "wizard.error.required", columns=", ".join(columns),
        )  # fmt: skip
        self.table = table
        self.columns = columns


def folder(ws: Workspace) -> Path:
    return ws.uploads_dir / "wizard"


def start(
    ws: Workspace,
    *,
    owner: str,
    name: str,
    path: Path,
    headers: list[str],
    rows: list[list[str | None]],
) -> Wizard:
    """A new wizard for a kept upload, with the headers and first rows read from it."""
    w = Wizard(
        id=secrets.token_hex(16), owner=owner, file=name, path=str(path.relative_to(ws.home)),
        headers=headers, rows=rows[:SAMPLE_ROWS],
    )  # fmt: skip
    save(ws, w)
    return w


def save(ws: Workspace, w: Wizard) -> None:
    folder(ws).mkdir(parents=True, exist_ok=True)
    target = folder(ws) / f"{w.id}.json"
    tmp = target.with_suffix(f".{secrets.token_hex(4)}.part")
    tmp.write_text(json.dumps(asdict(w), ensure_ascii=False), encoding="utf-8")
    tmp.replace(target)


def load(ws: Workspace, wizard_id: str, owner: str) -> Wizard:
    """The wizard ``wizard_id`` of ``owner``; another person's, or none, is not found."""
    path = folder(ws) / f"{wizard_id}.json"
    if not WIZARD_ID.fullmatch(wizard_id) or not path.is_file():
        raise NotFound("no such import wizard; upload the file again")
    data = json.loads(path.read_text(encoding="utf-8"))
    w = Wizard(**data)
    if w.owner != owner:
        raise NotFound("no such import wizard; upload the file again")
    return w


def upload_path(ws: Workspace, w: Wizard) -> Path:
    return ws.home / w.path


def draft_path(ws: Workspace, w: Wizard) -> Path:
    """Where the mapping being built is written for the dry run (``--mapping PATH``)."""
    return folder(ws) / f"{w.id}.yaml"


def profile_data(w: Wizard) -> dict[str, Any]:
    """The profile the typed mapping makes (not yet checked)."""
    if w.table not in TABLES:
        raise WizardError("choose the table the file holds", "wizard.error.no_table")
    columns: dict[str, Any] = {}
    for column in TABLES[w.table].names:
        choice = w.mapping.get(column, "")
        if choice.startswith(HEADER) and choice[len(HEADER) :] in w.headers:
            columns[column] = choice[len(HEADER) :]
        elif choice.startswith(CONST) and choice[len(CONST) :]:
            columns[column] = {"const": choice[len(CONST) :]}
    missing = [c for c in TABLES[w.table].required if c not in columns]
    if missing:
        raise MissingColumns(w.table, missing)
    return {
        "table": w.table,
        "description": f"{w.file} ({TABLES[w.table].zh})",
        # Only what was mapped: a header left unmapped must not be read by its alias.
        "match_headers": False,
        "columns": columns,
    }


def profile_yaml(w: Wizard) -> str:
    """The mapping as profile YAML, checked as ``kefu import --mapping`` checks it."""
    text = yaml.safe_dump(profile_data(w), allow_unicode=True, sort_keys=False)
    parse_profile(text, name=w.id)
    return text


def write_draft(ws: Workspace, w: Wizard) -> str:
    """The draft profile written where the dry run reads it; returns its path."""
    path = draft_path(ws, w)
    path.write_text(profile_yaml(w), encoding="utf-8")
    return str(path)


def save_profile(ws: Workspace, w: Wizard, name: str) -> Profile:
    """Keep the mapping as the workspace profile ``name`` (a new name only)."""
    name = name.strip()
    if not PROFILE_NAME.fullmatch(name):
        raise WizardError(
            f"'{name}' is not a profile name: lower-case letters, digits and dashes",
            "wizard.error.name", name=name,
        )  # fmt: skip
    taken = {*builtin_profiles(), *(p.stem for p in ws.mappings_dir.glob("*.y*ml"))}
    if name in taken:
        raise WizardError(
            f"a profile '{name}' exists already; choose another name",
            "wizard.error.taken", name=name,
        )  # fmt: skip
    text = profile_yaml(w)
    ws.mappings_dir.mkdir(parents=True, exist_ok=True)
    path = ws.mappings_dir / f"{name}.yaml"
    header = f"# Made by the import wizard from {w.file}.\n"
    path.write_text(header + text, encoding="utf-8")
    profile = parse_profile(path.read_text(encoding="utf-8"), name=name)
    w.saved_as, w.step = name, "saved"
    save(ws, w)
    return profile


def mapping_for_import(ws: Workspace, w: Wizard) -> str | None:
    """The ``--mapping`` the import uses: the chosen or saved profile, else none."""
    if w.profile is not None:
        return w.profile
    if w.mapping:
        if w.saved_as is None:
            raise UsageError("save the mapping as a profile before importing")
        return w.saved_as
    return None


def is_builtin(name: str) -> bool:
    return (BUILTIN_DIR / f"{name}.yaml").is_file()
