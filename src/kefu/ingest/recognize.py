"""Which canonical table a file holds, and which of its headers is which column.

The table comes from ``--table``, else the file name (``contacts_2026-10.xlsx``,
``工单.csv``: the table's name, Chinese name or file aliases), else the headers:
every table whose required columns are all present is a candidate, the one that
matches most columns wins, and a tie is an error naming the candidates.
"""

from __future__ import annotations

import re
from pathlib import Path

from kefu.errors import KefuError
from kefu.ingest.mapping import norm_header
from kefu.store.tables import TABLES, Table


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
