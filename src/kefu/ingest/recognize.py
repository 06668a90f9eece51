"""Which canonical table a file holds, and which of its headers is which column.

The table comes from ``--table``, else the file name (``contacts_2026-10.xlsx``,
``工单.csv``: the table's name, Chinese name or file aliases), else the headers:
every table whose required columns are all present is a candidate, the one that
matches most columns wins, and a tie is an error naming the candidates.

Which mapping profile a file calls for, when none is named, comes from its headers
too (:func:`recognise_file`; the precedence is set out above :func:`named_headers`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kefu.errors import KefuError
from kefu.ingest.mapping import BUILTIN_DIR, Profile, norm_header, parse_profile
from kefu.store.tables import TABLES, Table

if TYPE_CHECKING:
    from kefu.workspace import Workspace


def header_names(spec: Table) -> dict[str, str]:
    """Normalised header spelling → canonical column, for every column and alias."""
    out: dict[str, str] = {}
    for c in spec.columns:
        for spelling in (c.name, *c.aliases):
            out.setdefault(norm_header(spelling), c.name)
    return out


def match_headers(spec: Table, headers: list[str]) -> dict[str, str]:
    """Canonical column → the first file header that names it."""
    names = header_names(spec)
    found: dict[str, str] = {}
    for h in headers:
        column = names.get(norm_header(h))
        if column is not None and column not in found:
            found[column] = h
    return found


def table_from_name(path: Path) -> str | None:
    stem = norm_header(path.stem)
    tokens = set(re.split(r"[^0-9a-z]+", path.stem.lower()))
    best: tuple[int, str] | None = None
    ambiguous = False
    for spec in TABLES.values():
        words = {spec.name, *spec.zh.split("/"), *spec.file_aliases}
        for word in words:
            w = norm_header(word)
            hit = w in tokens if w.isascii() else w in stem
            if spec.name == word and not hit:
                hit = norm_header(spec.name) in stem
            if hit:
                if best is None or len(w) > best[0]:
                    best, ambiguous = (len(w), spec.name), False
                elif len(w) == best[0] and best[1] != spec.name:
                    ambiguous = True
    if best is None or ambiguous:
        return None
    return best[1]


def table_from_headers(path: Path, headers: list[str]) -> str:
    scores: list[tuple[int, str]] = []
    for spec in TABLES.values():
        found = match_headers(spec, headers)
        if all(r in found for r in spec.required):
            scores.append((len(found), spec.name))
    if not scores:
        raise KefuError(
            f"{path.name}: cannot tell which table this is from its headers "
            f"({', '.join(headers)}); name the table with --table or use a mapping profile"
        )
    scores.sort(reverse=True)
    top = [name for score, name in scores if score == scores[0][0]]
    if len(top) > 1:
        raise KefuError(
            f"{path.name}: the headers fit several tables ({', '.join(top)}); "
            "choose one with --table"
        )
    return top[0]


# Profile recognition ---------------------------------------------------------------
#
# A profile fits a file when every header its expressions name is among the file's
# headers (matched as the compiler matches them: case, space and width folded). The
# headers a profile *reads* are those it names plus, with ``match_headers`` (the
# default), the file's headers that are aliases of the canonical columns it does not
# list. Precedence, decided so that a canonical layout keeps importing as it always
# has:
#
# 1. a profile that names no header at all (constants only) never fits: it would fit
#    every file;
# 2. of two fitting profiles, one whose named headers are a strict subset of the
#    other's is dropped: the other explains more of the same file;
# 3. a profile is used only if it reads more of the file's headers than the plain
#    canonical layout does (the table of ``table`` or of the file name, else the best
#    table whose required columns are all present); a tie goes to the canonical layout,
#    which needs no profile;
# 4. more than one profile left is a question for the person importing (the CLI lists
#    the candidates and asks for ``--mapping``; the web offers the choice).

# Keys whose values are literals (texts to compare with, separators, formats, value maps)
# rather than expressions that name headers.
LITERAL_KEYS = frozenset(
    {"const", "values", "null_if", "sep", "date_format", "format", "matches", "equals",
     "in", "not_in", "empty", "le", "lt", "ge", "gt"}
)  # fmt: skip


def named_headers(profile: Profile) -> frozenset[str]:
    """The export headers the profile's expressions, conditions and row rules name."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, str):
            found.add(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key not in LITERAL_KEYS:
                    walk(value)

    walk([profile.columns, profile.keep, profile.drop])
    if profile.collapse is not None:
        found |= {*profile.collapse.by, profile.collapse.order_by}
    dedupe = getattr(profile, "dedupe", None)
    if isinstance(dedupe, dict):
        walk([dedupe.get("by"), dedupe.get("keep_last_by")])
    elif dedupe is not None:
        walk([getattr(dedupe, "by", None), getattr(dedupe, "keep_last_by", None)])
    return frozenset(found)


@dataclass(frozen=True)
class Fit:
    """A profile that fits a file: its name, table, description and headers it reads."""

    name: str
    table: str
    description: str
    named: frozenset[str]
    reads: int
    builtin: bool

    @property
    def label(self) -> str:
        """``name (description)``, as the CLI says which profile it used."""
        return f"{self.name} ({self.description})" if self.description else self.name


@dataclass(frozen=True)
class Recognition:
    """What a file's headers say: the profile to use, or the candidates to choose from.

    ``profile`` is None with no ``candidates`` when the file imports as a canonical
    layout (or as nothing Kefu knows: the import then says why).
    """

    headers: list[str]
    profile: Fit | None = None
    candidates: list[Fit] = field(default_factory=list)
    canonical: str | None = None
    canonical_reads: int = 0

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


def available_profiles(mappings_dir: Path | None) -> list[tuple[Profile, bool]]:
    """Every valid profile with whether it is built in; a workspace one wins by name.

    A workspace profile that does not parse is left out of recognition (naming it with
    ``--mapping`` still reports what is wrong with it).
    """
    texts: dict[str, tuple[str, bool]] = {}
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        texts[path.stem] = (path.read_text(encoding="utf-8"), True)
    if mappings_dir is not None and mappings_dir.is_dir():
        for path in sorted([*mappings_dir.glob("*.yaml"), *mappings_dir.glob("*.yml")]):
            try:
                texts[path.stem] = (path.read_text(encoding="utf-8"), False)
            except (OSError, UnicodeDecodeError):
                continue
    out: list[tuple[Profile, bool]] = []
    for name, (text, builtin) in sorted(texts.items()):
        try:
            out.append((parse_profile(text, name=name), builtin))
        except KefuError:
            continue
    return out


def profile_fit(profile: Profile, headers: list[str], builtin: bool = False) -> Fit | None:
    """The profile's fit to ``headers``, or None when a header it names is missing."""
    present = {norm_header(h) for h in headers}
    named = frozenset(norm_header(h) for h in named_headers(profile))
    if not named or not named <= present:
        return None
    read = set(named)
    if profile.match_headers:
        spec = TABLES[profile.table]
        unlisted = {c.name for c in spec.columns} - set(profile.columns)
        names = header_names(spec)
        read |= {norm_header(h) for h in headers if names.get(norm_header(h)) in unlisted}
    return Fit(
        name=profile.name,
        table=profile.table,
        description=profile.description.strip(),
        named=named,
        reads=len(read & present),
        builtin=builtin,
    )


def canonical_layout(headers: list[str], table: str | None = None) -> tuple[str | None, int]:
    """The table the headers spell as a canonical layout and how many they match."""
    best: tuple[int, str] | None = None
    for spec in [TABLES[table]] if table else list(TABLES.values()):
        found = match_headers(spec, headers)
        if all(r in found for r in spec.required) and (best is None or len(found) > best[0]):
            best = (len(found), spec.name)
    return (best[1], best[0]) if best else (None, 0)


def recognise(
    headers: list[str],
    profiles: list[tuple[Profile, bool]],
    *,
    table: str | None = None,
    named_table: str | None = None,
) -> Recognition:
    """Which profile ``headers`` call for (see the precedence above).

    ``table`` (``--table``) limits the profiles to that table; ``named_table`` (the
    table the file name says) is the canonical layout the profiles must beat.
    """
    fits = [
        f
        for p, builtin in profiles
        if (table is None or p.table == table) and (f := profile_fit(p, headers, builtin))
    ]
    fits = [f for f in fits if not any(f.named < g.named for g in fits)]
    canonical, reads = canonical_layout(headers, table or named_table)
    better = sorted((f for f in fits if f.reads > reads), key=lambda f: (-f.reads, f.name))
    if len(better) == 1:
        return Recognition(headers, better[0], better, canonical, reads)
    return Recognition(headers, None, better, canonical, reads)


@dataclass(frozen=True)
class Peek:
    """A file's headers and its first rows (text, one list per row, header order)."""

    headers: list[str]
    rows: list[list[str | None]]


# How a profile asks for its file to be read: (format, records, member).
Reading = tuple[str | None, str | None, str | None]
PLAIN: Reading = (None, None, None)


def reading(profile: Profile) -> Reading:
    return (profile.format, profile.records, profile.member)


def peek(
    ws: Workspace,
    path: Path,
    *,
    sheet: str | None = None,
    rows: int = 20,
    how: Reading = PLAIN,
) -> Peek:
    """The headers and first ``rows`` data rows of ``path``, read as an import reads them.

    The file is scanned, not loaded: a CSV's first lines only. Raises
    :class:`~kefu.ingest.readers.Unreadable` for a file no import could read either.
    """
    import shutil
    import tempfile

    import duckdb

    from kefu.ingest.limits import Limits
    from kefu.ingest.parsing import ident
    from kefu.ingest.readers import read_raw

    known = {norm_header(s) for spec in TABLES.values() for s in header_names(spec)}
    for p, _builtin in available_profiles(ws.mappings_dir):
        known |= {norm_header(h) for h in p.referenced_headers()}
    tmp = Path(tempfile.mkdtemp(prefix="kefu-peek-"))
    con = duckdb.connect()
    try:
        raw = read_raw(
            con, path, tmp, sheet=sheet, known=frozenset(known), positional=True,
            tz=ws.timezone, limits=Limits.of(ws.settings),
            format=how[0], records=how[1], member=how[2],
        )  # fmt: skip
        cols = ", ".join(ident(raw.columns[h]) for h in raw.headers)
        if raw.header_rows is not None:
            sql = f"SELECT {cols} FROM raw LIMIT {int(rows)} OFFSET {int(raw.header_rows)}"
        else:
            sql = f"SELECT {cols} FROM raw ORDER BY __row LIMIT {int(rows)}"
        try:
            found = con.execute(sql).fetchall()
        except duckdb.Error:
            found = []
        return Peek(list(raw.headers), [[_text(v) for v in r] for r in found])
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


# The files a reading other than the plain one can apply to: a JSON layout, a zip member.
_JSON_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson", ".txt", ".zip"})


def _reads_as(how: Reading, path: Path) -> bool:
    """Whether a profile read ``how`` could read ``path`` (each other reading costs a peek)."""
    if how == PLAIN:
        return True
    suffix = path.suffix.lower()
    return suffix == ".zip" if how[2] is not None else suffix in _JSON_SUFFIXES


def recognise_file(
    ws: Workspace, path: Path, *, table: str | None = None, sheet: str | None = None
) -> Recognition:
    """:func:`recognise` for a file, with the workspace's and the shipped profiles.

    A profile that names how its file is read (a JSON document's ``records``, a zip's
    ``member``) is matched against the headers read that way; the others against the
    file read plainly. A reading that fails rules out only the profiles that ask for it.
    """
    from kefu.ingest.readers import Unreadable

    named_table = None if table else table_from_name(path)
    groups: dict[Reading, list[tuple[Profile, bool]]] = {PLAIN: []}
    for profile, builtin in available_profiles(ws.mappings_dir):
        if _reads_as(reading(profile), path):
            groups.setdefault(reading(profile), []).append((profile, builtin))
    found: list[Recognition] = []
    plain_error: Unreadable | None = None
    for how, profiles in groups.items():
        try:
            headers = peek(ws, path, sheet=sheet, rows=0, how=how).headers
        except Unreadable as exc:
            if how == PLAIN:
                plain_error = exc
            continue
        found.append(recognise(headers, profiles, table=table, named_table=named_table))
    if not found:
        assert plain_error is not None
        raise plain_error
    candidates = sorted((c for r in found for c in r.candidates), key=lambda f: (-f.reads, f.name))
    if len(candidates) == 1:
        return next(r for r in found if r.candidates)
    if candidates:
        first = found[0]
        return Recognition(first.headers, None, candidates, first.canonical, first.canonical_reads)
    return found[0]
