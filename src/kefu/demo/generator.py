"""Generate a demo courier customer-service centre as export files for all eleven tables.

    >>> summary = generate(Path("exports"), agents=12, months=1, start="2026-10")
    >>> summary.rows_by_table()["agents"] >= 12
    True

The output is deterministic per seed (byte-identical files). Contacts and the
records that follow from them are generated and written one day at a time, so
memory stays bounded by a day's contacts however many months are asked for;
``--agents 10000`` gives about 30 M contacts a month.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from kefu.demo.contacts import ContactGenerator, contacts_table
from kefu.demo.derived import derive
from kefu.demo.dirty import RULE, dirty_rows
from kefu.demo.exports import ExportFormat, ExportWriter, Layout, layouts
from kefu.demo.monthly import monthly
from kefu.demo.roster import build_roster
from kefu.errors import UsageError
from kefu.periods import Grain, Period
from kefu.store.tables import TABLES

DEFAULT_AGENTS = 120
DEFAULT_MONTHS = 3
DEFAULT_START = "2026-09"
DEFAULT_SEED = 1111
MAX_MONTHS = 36
# Import order: the roster first, so rows can be checked against known agents.
TABLE_ORDER = tuple(TABLES)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FileSummary:
    path: Path
    table: str
    rows: int
    dirty: int


@dataclass(frozen=True)
class DemoSummary:
    out: Path
    files: tuple[FileSummary, ...]
    agents: int
    start: str
    months: int
    seed: int

    def rows_by_table(self) -> dict[str, int]:
        totals = dict.fromkeys(TABLE_ORDER, 0)
        for f in self.files:
            totals[f.table] += f.rows
        return totals

    def as_rows(self) -> list[dict[str, object]]:
        """One line per file, for the CLI's table/json/csv output."""
        return [
            {"file": f.path.name, "table": f.table, "rows": f.rows, "dirty_rows": f.dirty}
            for f in self.files
        ]


def _month(text: str) -> np.datetime64:
    try:
        period = Period.parse(text)
    except UsageError:
        period = None
    if period is None or period.grain is not Grain.MONTH:
        raise UsageError(f"--start must be a month such as 2026-09, not '{text}'")
    return np.datetime64(period.start.isoformat()[:7], "M")


def _check(agents: int, months: int, seed: int) -> None:
    if agents < 1:
        raise UsageError("--agents must be at least 1")
    if not 1 <= months <= MAX_MONTHS:
        raise UsageError(f"--months must be between 1 and {MAX_MONTHS}")
    if seed < 0:
        raise UsageError("--seed must be zero or a positive integer")


class _Files:
    """The open writers, one per (table, file), closed in order of opening."""

    def __init__(self, out: Path, layouts: dict[str, Layout], created: datetime) -> None:
        self.out = out
        self.layouts = layouts
        self.created = created
        self.open: dict[str, ExportWriter] = {}
        self.done: list[FileSummary] = []

    def writer(self, table: str, month: str | None = None) -> ExportWriter:
        layout = self.layouts[table]
        name = layout.file_name(month)
        if name not in self.open:
            self.open[name] = ExportWriter(self.out / name, layout, self.created)
        return self.open[name]

    def close(self, name: str | None = None) -> None:
        names = [name] if name else list(self.open)
        for n in names:
            w = self.open.pop(n)
            w.close()
            self.done.append(FileSummary(w.path, w.layout.table, w.rows, w.dirty))


def generate(
    out: Path,
    *,
    agents: int = DEFAULT_AGENTS,
    months: int = DEFAULT_MONTHS,
    seed: int = DEFAULT_SEED,
    start: str = DEFAULT_START,
    fmt: ExportFormat = ExportFormat.csv,
    progress: Progress | None = None,
    volume_scale: float = 1.0,
) -> DemoSummary:
    """Write the demo centre's exports into ``out`` and say what was written.

    ``volume_scale`` scales the contact volume (the web benchmark's 10,000-agent
    centre keeps every agent but fewer contacts each, so it can be built in minutes).
    """
    _check(agents, months, seed)
    first_month = _month(start)
    first = first_month.astype("datetime64[D]")
    end = (first_month + months).astype("datetime64[D]")
    export_end = int(end.astype("datetime64[s]").astype(np.int64)) - 1
    last_day = end - np.timedelta64(1, "D")
    out.mkdir(parents=True, exist_ok=True)
    # The export's own timestamp (in xlsx metadata) is the end of the data, not now.
    created = datetime.fromisoformat(str(end))

    roster = build_roster(agents, first, end, seed)
    files = _Files(out, layouts(fmt), created)
    files.writer("agents").write(roster.agents_table())
    for table in TABLE_ORDER[1:]:
        if not files.layouts[table].monthly:
            files.writer(table)

    contacts = ContactGenerator(roster, seed, volume_scale=volume_scale)
    days: np.ndarray = np.arange(first, end)  # of datetime64[D]
    dirty = dirty_rows(first_month, roster.agent_id)
    for i, day in enumerate(days):
        month = day.astype("datetime64[M]")
        batch = contacts.day(day)
        files.writer("contacts", str(month)).write(contacts_table(batch, roster))
        for table, columns in derive(batch, roster, seed, export_end).items():
            files.writer(table).write(columns)
        if i == 0:
            for table, rows in dirty.items():
                clean = [{k: v for k, v in r.items() if k != RULE} for r in rows]
                files.writer(table, str(month)).write_raw(clean)
        if day == (month + 1).astype("datetime64[D]") - np.timedelta64(1, "D"):
            for table, columns in monthly(roster, month, seed, last_day).items():
                files.writer(table).write(columns)
            files.close(files.layouts["contacts"].file_name(str(month)))
        if progress:
            progress(i + 1, len(days))
    files.close()
    order = {t: k for k, t in enumerate(TABLE_ORDER)}
    summary = sorted(files.done, key=lambda f: (order[f.table], f.path.name))
    return DemoSummary(out, tuple(summary), agents, str(first_month), months, seed)


def write_contacts(
    path: Path,
    *,
    agents: int,
    month: str = "2026-10",
    seed: int = DEFAULT_SEED,
    fmt: ExportFormat = ExportFormat.csv,
    encoding: str = "utf-8",
    progress: Progress | None = None,
) -> int:
    """One month of contacts only, as one file (for the import benchmark); returns rows."""
    _check(agents, 1, seed)
    m = _month(month)
    first, end = m.astype("datetime64[D]"), (m + 1).astype("datetime64[D]")
    roster = build_roster(agents, first, end, seed)
    base = layouts(fmt)["contacts"]
    layout = Layout(
        base.table, path.name, base.kind, encoding=encoding, headers=base.headers,
        bool_words=base.bool_words, values=base.values, time_format=base.time_format,
    )  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = ExportWriter(path, layout, datetime.fromisoformat(str(end)))
    generator = ContactGenerator(roster, seed)
    days: np.ndarray = np.arange(first, end)  # of datetime64[D]
    for i, day in enumerate(days):
        writer.write(contacts_table(generator.day(day), roster))
        if progress:
            progress(i + 1, len(days))
    writer.close()
    return writer.rows
