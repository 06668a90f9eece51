"""The README's benchmark tables, written from ``bench/results/*.json``.

    python -m bench.readme            # rewrite the tables in README.md
    python -m bench.readme --check    # exit 1 if README.md is not what the files say

Each table sits between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->`` in
the README; only those lines are replaced, so the prose around them stays as
written. The figures are never typed by hand.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from bench import BENCH_DIR, RESULTS_DIR

README = BENCH_DIR.parent / "README.md"
LEVEL_NAMES = ("agent", "team", "centre")
PAGE_NAMES = {"overview": "overview", "team_table": "team table", "agent_sheet": "agent sheet",
              "records": "records drill-down", "monitor": "monitor"}  # fmt: skip


def _s(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.0f} ms"


def _gib(n: int | None) -> str:
    return "—" if n is None else f"{n / 2**30:.1f} GiB"


def _x(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.2f}"


def _load(doc: dict[str, Any]) -> str:
    machine = doc.get("machine", {})
    load = machine.get("load_average_at_start_1_5_15") or machine.get("load_average_1_5_15")
    cores = machine.get("cores_available") or machine.get("cores_logical")
    date = str(machine.get("date", ""))[:16].replace("T", " ")
    one = load[0] if load else "?"
    return f"Measured {date} UTC on {cores} cores at a load average of {one} (1 min) when it began."


def metrics_table(doc: dict[str, Any]) -> str:
    when = "; ".join(
        f"{e['agents']:,} agents {str(e['measured'])[:16].replace('T', ' ')} UTC at a load "
        f"average of {e['load_average_at_start_1_5_15'][0]} (1 min)"
        for e in doc["results"] if e.get("measured") and e.get("load_average_at_start_1_5_15")
    )  # fmt: skip
    lines = [
        f"Measured on {doc.get('machine', {}).get('cores_available', '?')} cores: {when}."
        if when
        else _load(doc),
        "",
        "| agents (contacts) | level | `kefu metrics`, all | Kefu, same set | SQL, EXISTS "
        "| SQL, window | pandas | Polars | Kefu all ÷ SQL | Kefu set ÷ SQL "
        "| peak memory, Kefu all |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for entry in doc["results"]:
        label = f"{entry['agents']:,} ({entry['contacts'] / 1e6:.2f} M)"
        if "aborted" in entry:
            lines.append(f"| {label} | — | aborted: {entry['aborted']} |||||||||")
            continue
        for level in LEVEL_NAMES:
            row = entry["levels"].get(level)
            if row is None:
                continue
            if "error" in row:
                lines.append(f"| {label} | {level} | failed: {row['error'][:200]} |||||||||")
                continue
            impls = ("kefu-all", "kefu", "sql-exists", "sql-window", "pandas", "polars")
            cells = [_s(row.get(impl, {}).get("seconds")) for impl in impls]
            # The faster SQL is the baseline: in bold.
            fastest = impls.index(row["sql"]["implementation"]) if "sql" in row else None
            if fastest is not None:
                cells[fastest] = f"**{cells[fastest]}**"
            ratios = [_x(row.get("kefu_all_vs_sql")), _x(row.get("kefu_vs_sql")),
                      _gib(row.get("kefu-all", {}).get("peak_bytes"))]  # fmt: skip
            lines.append(f"| {label} | {level} | " + " | ".join(cells + ratios) + " |")
    return "\n".join(lines)


def metrics_earlier_table(doc: dict[str, Any]) -> str:
    """The large sizes kept from earlier runs (in-process timing; see their method)."""
    earlier = doc.get("earlier_results", [])
    if not earlier:
        return "No earlier results are kept in the file."
    dates = sorted({str(e.get("measured", ""))[:10] for e in earlier})
    lines = [
        f"Measured {', '.join(dates)}, in-process (imports and the sentiment model loaded "
        "before the clock started), SQL with EXISTS:",
        "",
        "| agents (contacts) | level | Kefu, all | Kefu, same set | SQL | pandas | Kefu ÷ SQL "
        "| peak memory, Kefu all |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for entry in earlier:
        label = f"{entry['agents']:,} ({entry['contacts'] / 1e6:.1f} M)"
        for level in LEVEL_NAMES:
            row = entry.get("levels", {}).get(level)
            if row is None:
                continue
            cells = [
                _s(row.get(i, {}).get("seconds")) for i in ("kefu-all", "kefu", "sql", "pandas")
            ]
            cells += [_x(row.get("kefu_vs_sql")), _gib(row.get("kefu-all", {}).get("peak_bytes"))]
            lines.append(f"| {label} | {level} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def web_table(doc: dict[str, Any]) -> str:
    clients = doc.get("clients", [1, 20])
    head = " | ".join(f"p50 / p95 / p99, {n} client{'s' if n > 1 else ''} | req/s, {n}"
                      for n in clients)  # fmt: skip
    seconds = sorted({r.get("seconds_per_measurement") for r in doc["runs"]} - {None})
    lines = [
        _load(doc)
        + (
            f" Each page for {', '.join(f'{x:g}' for x in seconds)} s per number of clients."
            if seconds
            else ""
        ),
        "",
        f"| agents (contacts a month each) | page | first request | {head} | errors |",
        "|---|---|---|" + "---|---|" * len(clients) + "---|",
    ]
    for run in doc["runs"]:
        label = f"{run['agents']:,} ({run['contacts_per_agent_month']:,})"
        for page, figures in run["pages"].items():
            cells = []
            errors = 0
            for n in clients:
                f = figures.get(f"clients_{n}", {})
                errors += f.get("error_count", 0)
                cells.append(" / ".join(_ms(f.get(k)) for k in
                                        ("p50_seconds", "p95_seconds", "p99_seconds")))  # fmt: skip
                rate = f.get("requests_per_second")
                cells.append("—" if rate is None else f"{rate:.1f}")
            lines.append(f"| {label} | {PAGE_NAMES.get(page, page)} | "
                         f"{_ms(figures.get('first_request_seconds'))} | "
                         + " | ".join(cells) + f" | {errors} |")  # fmt: skip
    return "\n".join(lines)


TABLES = {"metrics": metrics_table, "metrics-earlier": metrics_earlier_table, "web": web_table}


def render(readme: str, results: Path = RESULTS_DIR) -> str:
    """``readme`` with every marked table rewritten from its results file."""
    for name, table in TABLES.items():
        path = results / f"{name.split('-')[0]}.json"
        if not path.is_file():
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
        block = f"{start}\n{table(doc)}\n{end}"
        readme = pattern.sub(lambda _m, b=block: b, readme)
    return readme


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.readme", description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    new = render(text)
    if args.check:
        return 0 if new == text else 1
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
