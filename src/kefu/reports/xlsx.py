"""The appraisal table as an Excel workbook (绩效考核表.xlsx).

One summary sheet (汇总: per team head count, mean/highest/lowest total and
grade distribution, then the centre ranking) and one sheet per team (agents ×
indicators with value and points, dimension points, bonus, penalty, vetoes,
total, grade and ranks). Headers in Chinese or English, header rows and name
columns frozen, number formats per unit, indicator values coloured against the
scorecard, autofilter, column widths fitted to the content.

    data = appraisal_workbook(results, meta, locale="zh-CN")
    Path("2026-10.xlsx").write_bytes(data)
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from kefu.reports.catalogue import Unit
from kefu.reports.formatting import COLOURS, DECIMALS, Rating, format_points, format_value, scaled
from kefu.reports.labels import check_locale, run_text, text
from kefu.reports.meta import ReportMeta
from kefu.reports.safe import workbook, write_text
from kefu.reports.table import Cell, Column, Kind, cells, columns, sort_key, unit_of

Result = Mapping[str, Any]

SHEET_NAME_MAX = 31
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
HEADER_COLOUR = "#DDEBF7"
TITLE_ROWS = 1  # the title line above the two header rows of a team sheet
NAME_COLUMNS = 2  # agent id and name stay visible when scrolling right


def _number_format(unit: Unit | None) -> str:
    if unit is Unit.PERCENT:
        return "0." + "0" * DECIMALS[unit] + "%"
    if unit is Unit.PER_MILLE:
        return "0." + "0" * DECIMALS[unit] + '"‰"'
    if unit is None or DECIMALS[unit] == 0:
        return "0"
    return "0." + "0" * DECIMALS[unit]


POINTS_FORMAT = "0.00"
RANK_FORMAT = "0"


def sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """A valid, unused Excel sheet name for ``name``.

    Excel refuses names longer than 31 characters, containing any of
    ``[]:*?/\\``, starting or ending with an apostrophe, empty, or equal
    (case-insensitively) to an existing sheet's; ``History`` is reserved.
    """
    clean = _INVALID_SHEET_CHARS.sub("_", name).strip().strip("'").strip()
    if not clean or clean.casefold() == "history":
        clean = f"_{clean}" if clean else "_"
    used = {t.casefold() for t in taken}
    candidate = clean[:SHEET_NAME_MAX].rstrip("'")
    n = 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate = clean[: SHEET_NAME_MAX - len(suffix)].rstrip("'") + suffix
        n += 1
    return candidate


def display_width(value: str) -> int:
    """Width in Excel character units: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in value)


class _Formats:
    """Workbook formats, created once per distinct set of properties."""

    def __init__(self, wb: Workbook) -> None:
        self._wb = wb
        self._cache: dict[tuple[tuple[str, Any], ...], Format] = {}

    def get(self, **props: Any) -> Format:
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self._wb.add_format(
                {"font_name": "Microsoft YaHei", "font_size": 10, "valign": "vcenter", **props}
            )
        return self._cache[key]

    def text_pair(self, **props: Any) -> tuple[Format, Format]:
        """A text format and its quote-prefixed twin (for formula-like text)."""
        return self.get(**props), self.get(quote_prefix=True, **props)


def _cell_text(cell: Cell, col: Column) -> str:
    """Roughly what Excel will show, to size the column."""
    if cell.value is None:
        return ""
    if col.kind is Kind.VALUE and col.indicator:
        return format_value(col.indicator, float(cell.value), "en")
    if col.kind is Kind.POINTS:
        return format_points(float(cell.value))
    return str(cell.value)


def _write_cell(
    sheet: Worksheet, fmts: _Formats, row: int, c: int, col: Column, cell: Cell
) -> None:
    base: dict[str, Any] = {"border": 1, "border_color": "#BFBFBF"}
    if col.key == "total":
        base["bold"] = True
    if cell.rating is not None:
        fill, font = COLOURS[cell.rating]
        base.update(bg_color=fill, font_color=font)
        if cell.rating is Rating.UNSCORED:
            base["italic"] = True
    if col.kind is Kind.TEXT:
        if col.key == "grade":
            base.update(align="center", bold=True)
        plain, quoted = fmts.text_pair(**base)
        write_text(sheet, row, c, cell.value, plain, quoted)
    elif cell.value is None:
        sheet.write_blank(row, c, None, fmts.get(**base))
    else:
        value = float(cell.value)
        if col.kind is Kind.VALUE:
            unit = unit_of(col)
            num_format = _number_format(unit)
            if unit is Unit.PER_MILLE and col.indicator:
                # Excel has no per-mille scaling; the cell holds the per-thousand figure.
                value = scaled(col.indicator, value)
        elif col.kind is Kind.RANK:
            num_format = RANK_FORMAT
        else:
            num_format = POINTS_FORMAT
        sheet.write_number(row, c, value, fmts.get(num_format=num_format, **base))
    if cell.note:
        sheet.write_comment(row, c, cell.note, {"x_scale": 1.5})


def _fit_widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for c, w in enumerate(widths):
        sheet.set_column(c, c, min(max(w + 2, 6), 40))


def _header(sheet: Worksheet, fmts: _Formats, cols: Sequence[Column], top: int) -> list[int]:
    """Two header rows: groups (indicator, dimension) above their sub-columns."""
    head = fmts.get(bold=True, bg_color=HEADER_COLOUR, border=1, align="center", text_wrap=True)
    widths = [display_width(c.header) for c in cols]
    c = 0
    while c < len(cols):
        col = cols[c]
        if col.group is None:
            sheet.merge_range(top, c, top + 1, c, col.header, head)
            c += 1
            continue
        end = c
        while end + 1 < len(cols) and cols[end + 1].group == col.group:
            end += 1
        if end > c:
            sheet.merge_range(top, c, top, end, col.group, head)
        else:
            sheet.write_string(top, c, col.group, head)
        span = end - c + 1
        for k in range(c, end + 1):
            sheet.write_string(top + 1, k, cols[k].header, head)
            widths[k] = max(widths[k], -(-display_width(col.group) // span))
        c = end + 1
    sheet.set_row(top, 32)
    return widths


def _team_sheet(
    wb: Workbook,
    fmts: _Formats,
    name: str,
    title: str,
    results: Sequence[Result],
    meta: ReportMeta,
    locale: str,
) -> None:
    sheet = wb.add_worksheet(name)
    cols = columns(results, meta, locale)
    write_text(sheet, 0, 0, title, *fmts.text_pair(bold=True, font_size=13))
    top = TITLE_ROWS
    widths = _header(sheet, fmts, cols, top)
    first = top + 2
    for r, result in enumerate(sorted(results, key=sort_key)):
        for c, (col, cell) in enumerate(zip(cols, cells(result, cols, meta, locale), strict=True)):
            _write_cell(sheet, fmts, first + r, c, col, cell)
            widths[c] = max(widths[c], display_width(_cell_text(cell, col)))
    last = first + max(len(results), 1) - 1
    sheet.freeze_panes(first, NAME_COLUMNS)
    sheet.autofilter(top + 1, 0, last, len(cols) - 1)
    sheet.write_string(last + 2, 0, text("legend", locale), fmts.get(italic=True))
    _fit_widths(sheet, widths)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(top, top + 1)


def _team_key(result: Result) -> str:
    return str(result.get("team") or "")


def _stats_row(group: Sequence[Result], grades: Sequence[str]) -> list[Any]:
    totals = [float(r["total"]) for r in group if r.get("total") is not None]
    counts = Counter(r.get("grade") for r in group)
    return [
        len(group),
        sum(totals) / len(totals) if totals else None,
        max(totals) if totals else None,
        min(totals) if totals else None,
        *(counts.get(g, 0) for g in grades),
    ]


def _summary_heading(
    sheet: Worksheet, fmts: _Formats, results: Sequence[Result], meta: ReportMeta, locale: str
) -> str:
    """The title, the scorecards used and the run's status; returns the title."""
    t = lambda key: text(key, locale)  # noqa: E731
    period = next((str(r["period"]) for r in results if r.get("period")), "")
    title = " · ".join(x for x in (meta.title, t("appraisal_table"), period) if x)
    sheet.write_string(0, 0, title, fmts.get(bold=True, font_size=14))
    scorecards = "; ".join(f"{s.name} {s.version}".strip() for s in meta.used_by(results))
    plain, quoted = fmts.text_pair()
    sheet.write_string(1, 0, f"{t('scorecard')}:", plain)
    write_text(sheet, 1, 1, scorecards, plain, quoted)
    if meta.status or meta.run:
        status = text(f"status_{meta.status}", locale) if meta.status else ""
        run = f"{t('run')} {run_text(meta.run, locale)}" if meta.run else ""
        fmt = fmts.get(bold=True, font_color="#C00000") if meta.is_draft else plain
        sheet.write_string(2, 0, f"{t('status')}:", plain)
        sheet.write_string(2, 1, " · ".join(x for x in (status, run) if x), fmt)
    return title


def _teams_overview(
    sheet: Worksheet,
    fmts: _Formats,
    results: Sequence[Result],
    teams: Mapping[str, Sequence[Result]],
    grades: Sequence[str],
    locale: str,
    whole_centre: bool,
) -> tuple[int, list[int]]:
    """Per team: agents, mean, highest and lowest total, agents per grade; then the total row.

    Returns the last row written and the column widths so far.
    """
    t = lambda key: text(key, locale)  # noqa: E731
    row = 3
    sheet.write_string(row, 0, t("teams_overview"), fmts.get(bold=True, font_size=12))
    headers = [
        t("team"),
        t("site"),
        t("agents"),
        t("mean_total"),
        t("max_total"),
        t("min_total"),
        *grades,
    ]
    widths = [display_width(h) for h in headers] + [0] * 5
    row += 1
    head = fmts.get(bold=True, bg_color=HEADER_COLOUR, border=1, align="center")
    for c, h in enumerate(headers):
        sheet.write_string(row, c, h, head)
    lines: list[tuple[str, str, list[Any], bool]] = []
    for team, group in teams.items():
        sites = "、".join(dict.fromkeys(str(r.get("site") or "") for r in group if r.get("site")))
        lines.append((team, sites, _stats_row(group, grades), False))
    # The total row says what it totals: the centre only when every team is in the book;
    # a single team's book has its team row and nothing that claims to be the centre.
    if len(teams) > 1:
        lines.append((t("centre" if whole_centre else "total_shown"), "",
                      _stats_row(results, grades), True))  # fmt: skip
    for team, sites, stats, bold in lines:
        row += 1
        tp, tq = fmts.text_pair(bold=bold, **_CELL)
        write_text(sheet, row, 0, team, tp, tq)
        write_text(sheet, row, 1, sites, tp, tq)
        widths[0] = max(widths[0], display_width(team))
        widths[1] = max(widths[1], display_width(sites))
        for c, v in enumerate(stats, start=2):
            fmt = fmts.get(bold=bold, num_format=POINTS_FORMAT if c in (3, 4, 5) else "0", **_CELL)
            if v is None:
                sheet.write_blank(row, c, None, fmt)
            else:
                sheet.write_number(row, c, v, fmt)
    return row, widths


def _centre_ranking(
    sheet: Worksheet,
    fmts: _Formats,
    results: Sequence[Result],
    locale: str,
    row: int,
    widths: list[int],
) -> None:
    """Every agent by centre rank (unranked last), from ``row``; widens ``widths``."""
    t = lambda key: text(key, locale)  # noqa: E731
    sheet.write_string(row, 0, t("centre_ranking"), fmts.get(bold=True, font_size=12))
    row += 1
    rank_headers = [
        t("rank_centre"),
        t("agent_id"),
        t("name"),
        t("team"),
        t("site"),
        t("total"),
        t("grade"),
    ]
    header_row = row
    head = fmts.get(bold=True, bg_color=HEADER_COLOUR, border=1, align="center")
    for c, h in enumerate(rank_headers):
        sheet.write_string(row, c, h, head)
        widths[c] = max(widths[c], display_width(h))
    ranked = sorted(
        results,
        key=lambda r: (
            r.get("rank_centre") is None,
            r.get("rank_centre") or 0,
            str(r.get("agent_id")),
        ),
    )
    for r in ranked:
        row += 1
        tp, tq = fmts.text_pair(**_CELL)
        if r.get("rank_centre") is None:
            sheet.write_blank(row, 0, None, fmts.get(**_CELL))
        else:
            sheet.write_number(row, 0, r["rank_centre"], fmts.get(num_format="0", **_CELL))
        for c, key in enumerate(("agent_id", "name", "team", "site"), start=1):
            write_text(sheet, row, c, r.get(key), tp, tq)
            widths[c] = max(widths[c], display_width(str(r.get(key) or "")))
        if r.get("total") is None:
            sheet.write_blank(row, 5, None, fmts.get(**_CELL))
        else:
            sheet.write_number(
                row, 5, float(r["total"]), fmts.get(num_format=POINTS_FORMAT, bold=True, **_CELL)
            )
        gp, gq = fmts.text_pair(align="center", bold=True, **_CELL)
        write_text(sheet, row, 6, r.get("grade"), gp, gq)
    sheet.autofilter(header_row, 0, max(row, header_row + 1), len(rank_headers) - 1)


# The thin grey grid of the summary's tables.
_CELL: dict[str, Any] = {"border": 1, "border_color": "#BFBFBF"}


def _summary_sheet(
    wb: Workbook,
    fmts: _Formats,
    results: Sequence[Result],
    teams: Mapping[str, Sequence[Result]],
    meta: ReportMeta,
    locale: str,
    whole_centre: bool = True,
) -> None:
    """The first sheet: heading, the teams' overview, then the centre's ranking."""
    sheet = wb.add_worksheet(text("summary", locale))
    title = _summary_heading(sheet, fmts, results, meta, locale)
    # The tables' header and section formats are asked for first, here: xlsxwriter
    # numbers formats in that order, and the file's bytes follow it.
    fmts.get(bold=True, bg_color=HEADER_COLOUR, border=1, align="center")
    fmts.get(bold=True, font_size=12)
    grades = list(meta.grades)
    grades += sorted({str(r["grade"]) for r in results if r.get("grade")} - set(grades))
    row, widths = _teams_overview(sheet, fmts, results, teams, grades, locale, whole_centre)
    _centre_ranking(sheet, fmts, results, locale, row + 2, widths)
    _fit_widths(sheet, widths)
    sheet.set_column(0, 0, max(widths[0] + 2, display_width(title) // 3, 10))
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)


def appraisal_workbook(
    results: Sequence[Result], meta: ReportMeta, *, locale: str = "zh-CN",
    whole_centre: bool = True,
) -> bytes:  # fmt: skip
    """The appraisal table of one period as ``.xlsx`` bytes.

    ``results`` are scoring results (``kefu.scoring.results``), ``meta`` the
    scorecard(s) that scored them. Sheet 1 is the summary, then one sheet per
    team in team-name order. ``whole_centre=False``: the results are some teams only
    (a supervisor's), and their total row is not labelled the centre.
    """
    check_locale(locale)
    buf = io.BytesIO()
    # No string is ever turned into a formula, a number or a link behind our back.
    wb = workbook(buf, in_memory=True)
    wb.set_properties({"title": text("appraisal_table", locale), "comments": "Kefu"})
    fmts = _Formats(wb)
    teams: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        teams[_team_key(r)].append(r)
    ordered = dict(sorted(teams.items()))
    _summary_sheet(wb, fmts, results, ordered, meta, locale, whole_centre)
    taken = [text("summary", locale)]
    period = next((str(r["period"]) for r in results if r.get("period")), "")
    for team, group in ordered.items():
        name = sheet_name(team or text("none", locale), taken)
        taken.append(name)
        title = f"{team} · {text('appraisal_table', locale)} · {period}"
        if meta.is_draft:
            title += f" · {text(f'status_{meta.status}', locale)}"
        _team_sheet(wb, fmts, name, title, group, meta, locale)
    wb.close()
    return buf.getvalue()
