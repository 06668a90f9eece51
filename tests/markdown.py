"""Reading the project's Markdown docs in tests: headings, anchors, links, tables, examples.

The docs are checked against the code (every id, table, alias and setting
documented; every link resolving) and their worked examples are fed to the
code, so these helpers parse the small subset of Markdown the docs use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import REPO

DOCS = REPO / "docs"
_FENCE = re.compile(r"^(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LINK = re.compile(r"(?<!!)\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
_EXAMPLE = re.compile(r"<!--\s*example:\s*(.*?)\s*-->(.*?)<!--\s*/example\s*-->", re.S)


def documents() -> list[Path]:
    """README.md and every page under docs/."""
    return [REPO / "README.md", *sorted(DOCS.glob("*.md"))]


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks (a ``#`` in a code block is no heading)."""
    out, fenced = [], False
    for line in text.splitlines():
        if _FENCE.match(line.strip()):
            fenced = not fenced
            continue
        if not fenced:
            out.append(line)
    return out


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: inline markup and punctuation dropped, spaces → -."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = text.replace("`", "").replace("*", "").lower()
    text = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return text.replace(" ", "-")


def headings(text: str) -> list[tuple[int, str]]:
    """(level, text) of every heading."""
    found = []
    for line in prose_lines(text):
        match = _HEADING.match(line)
        if match:
            found.append((len(match.group(1)), match.group(2)))
    return found


def anchors(text: str) -> set[str]:
    """Every heading's anchor, with GitHub's -1, -2… suffixes for repeated headings."""
    seen: dict[str, int] = {}
    out = set()
    for _, heading in headings(text):
        base = slug(heading)
        n = seen.get(base, 0)
        out.add(base if n == 0 else f"{base}-{n}")
        seen[base] = n + 1
    return out


def links(text: str) -> list[str]:
    """Targets of every link and image outside code blocks."""
    prose = "\n".join(prose_lines(text))
    prose = re.sub(r"`[^`\n]*`", "", prose)  # inline code is not a link
    return _LINK.findall(prose) + _IMAGE.findall(prose)


def split_row(line: str) -> list[str]:
    cells = line.strip()
    if cells.startswith("|"):
        cells = cells[1:]
    if cells.endswith("|"):
        cells = cells[:-1]
    return [c.strip() for c in cells.split("|")]


def tables(text: str) -> list[list[dict[str, str]]]:
    """Every pipe table as a list of rows keyed by its header cells (markup kept)."""
    lines = prose_lines(text)
    out = []
    i = 0
    while i < len(lines) - 1:
        head, rule = lines[i].strip(), lines[i + 1].strip()
        if head.startswith("|") and "-" in rule and set(rule) <= set("|-: "):
            names = split_row(head)
            rows = []
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                cells = split_row(lines[i])
                cells += [""] * (len(names) - len(cells))
                rows.append(dict(zip(names, cells, strict=False)))
                i += 1
            out.append(rows)
            continue
        i += 1
    return out


def section(text: str, heading: str) -> str:
    """The text under the heading whose text is ``heading``, up to the next one of its level."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        match = _HEADING.match(line)
        if match and match.group(2) == heading:
            level = len(match.group(1))
            end = len(lines)
            for j in range(i + 1, len(lines)):
                other = _HEADING.match(lines[j])
                if other and len(other.group(1)) <= level:
                    end = j
                    break
            return "\n".join(lines[i + 1 : end])
    raise KeyError(f"no heading '{heading}'")


def code(cell: str) -> str:
    """A table cell without its inline-code backticks."""
    return cell.strip().strip("`")


@dataclass
class Example:
    """A worked example: its name, settings and the tables between its markers."""

    name: str
    settings: dict[str, str]
    body: str
    tables: list[list[dict[str, str]]] = field(default_factory=list)


def examples(text: str) -> list[Example]:
    """Worked examples, ``<!-- example: NAME; key value; … -->`` … ``<!-- /example -->``."""
    out = []
    for header, body in _EXAMPLE.findall(text):
        name, *rest = [part.strip() for part in header.split(";")]
        settings = dict(part.split(" ", 1) if " " in part else (part, "") for part in rest)
        settings = {k.strip(): v.strip() for k, v in settings.items()}
        # "as of 2026-10-31 12:00:00" splits as ("as", "of …").
        if "as" in settings and settings["as"].startswith("of "):
            settings["as of"] = settings.pop("as")[3:]
        out.append(Example(name, settings, body, tables(body)))
    return out
