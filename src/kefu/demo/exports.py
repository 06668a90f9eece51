"""How each source system exports its table: file name, format, encoding, headers, words.

The default (``csv``) layout mixes what a real centre receives: the call-centre
system's contacts with Chinese headers, the CRM's tickets as ``工单.csv`` in GBK,
the QA system's audits as ``.xlsx``, the feedback system's complaints with
Chinese status words, and HR files with the canonical English headers. The
``parquet`` layout writes every table as typed Parquet with canonical columns
(timestamps carry the Asia/Shanghai zone, so they are unambiguous).

Writers stream: each ``write`` appends one chunk and nothing is kept.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from kefu.store.tables import TABLES

# Naive demo times are wall-clock times in this zone (no daylight saving: a fixed offset).
TIMEZONE = "Asia/Shanghai"
UTC_OFFSET_SECONDS = 8 * 3600


class FileKind(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PARQUET = "parquet"


class ExportFormat(StrEnum):
    """``kefu demo --format``: the realistic mix, or typed Parquet throughout."""

    csv = "csv"
    parquet = "parquet"


@dataclass(frozen=True)
class Layout:
    table: str
    # File name; ``{month}`` is replaced by ``2026-10`` for the monthly contacts files.
    name: str
    kind: FileKind
    encoding: str = "utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    bool_words: tuple[str, str] | None = None
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    time_format: str | None = None

    @property
    def monthly(self) -> bool:
        return "{month}" in self.name

    def file_name(self, month: str | None = None) -> str:
        return self.name.format(month=month) if self.monthly else self.name

    def header(self, columns: Sequence[str]) -> list[str]:
        return [self.headers.get(c, c) for c in columns]


YES_NO = ("是", "否")
CONTACT_HEADERS = {
    "contact_id": "通话ID", "channel": "渠道", "direction": "呼叫方向", "agent_id": "坐席工号",
    "customer_id": "客户电话", "waybill_no": "运单号", "category": "咨询类型",
    "offered_at": "进线时间", "answered_at": "应答时间", "ended_at": "挂机时间",
    "talk_seconds": "通话时长", "hold_seconds": "保持时长", "acw_seconds": "话后处理时长",
    "transferred": "是否转接", "resolved": "是否解决",
}  # fmt: skip

MIXED: dict[str, Layout] = {
    layout.table: layout
    for layout in (
        Layout(
            "agents", "坐席花名册.csv", FileKind.CSV, encoding="utf-8-sig",
            headers={
                "agent_id": "工号", "name": "姓名", "team": "班组", "site": "职场",
                "supervisor_id": "主管工号", "hire_date": "入职日期", "leave_date": "离职日期",
                "valid_from": "生效日期",
            },
        ),
        Layout(
            "contacts", "通话记录_{month}.csv", FileKind.CSV, headers=CONTACT_HEADERS,
            bool_words=YES_NO,
            values={
                "channel": {"phone": "电话", "chat": "在线", "email": "邮件"},
                "direction": {"in": "呼入", "out": "呼出"},
            },
        ),
        Layout(
            "tickets", "工单.csv", FileKind.CSV, encoding="gbk",
            headers={
                "ticket_id": "工单号", "agent_id": "处理人工号", "created_at": "创建时间",
                "due_at": "截止时间", "closed_at": "完结时间", "category": "工单类型",
                "waybill_no": "运单号", "contact_id": "通话ID",
            },
            time_format="%Y/%m/%d %H:%M:%S",
        ),
        Layout(
            "qa_evaluations", "质检记录.xlsx", FileKind.XLSX, bool_words=YES_NO,
            headers={
                "evaluation_id": "质检单号", "agent_id": "被检坐席", "contact_id": "通话ID",
                "evaluated_at": "质检时间", "evaluator": "质检员",
                "compliance_score": "服务规范得分", "info_checked": "信息核查项数",
                "info_correct": "信息正确项数", "fatal": "致命错误", "remarks": "质检评语",
            },
        ),
        Layout(
            "surveys", "满意度评价.csv", FileKind.CSV,
            headers={
                "survey_id": "评价ID", "agent_id": "坐席工号", "contact_id": "通话ID",
                "responded_at": "评价时间", "csat": "满意度", "nps": "推荐意愿",
                "comment": "评价内容",
            },
        ),
        Layout(
            "complaints", "投诉.csv", FileKind.CSV, bool_words=YES_NO,
            headers={
                "complaint_id": "投诉单号", "agent_id": "被投诉坐席", "contact_id": "通话ID",
                "received_at": "投诉时间", "cause": "投诉原因", "severity": "严重程度",
                "attributed": "是否客服责任", "status": "处理状态",
            },
            values={
                "cause": {
                    "attitude": "服务态度", "competence": "业务能力", "operation": "操作失误",
                    "non_cs": "非客服原因", "other": "其他",
                },
                "severity": {"minor": "一般", "major": "重大", "critical": "严重"},
                "status": {
                    "open": "处理中", "upheld": "成立", "rejected": "不成立",
                    "overturned": "申诉撤销",
                },
            },
        ),
        Layout("operation_errors", "operation_errors.csv", FileKind.CSV),
        Layout("praise", "praise.csv", FileKind.CSV),
        Layout("training", "training.csv", FileKind.CSV),
        Layout("ratings", "ratings.csv", FileKind.CSV),
        Layout("improvement_items", "improvement_items.csv", FileKind.CSV),
    )
}  # fmt: skip

PARQUET: dict[str, Layout] = {
    name: Layout(name, f"{name}_{{month}}.parquet" if name == "contacts" else f"{name}.parquet",
                 FileKind.PARQUET)
    for name in TABLES
}  # fmt: skip


def layouts(fmt: ExportFormat) -> dict[str, Layout]:
    return PARQUET if fmt == ExportFormat.parquet else MIXED


def columns_of(table: str) -> tuple[str, ...]:
    """The canonical columns the demo writes for ``table`` (all of them)."""
    return TABLES[table].names


def _display(layout: Layout, name: str, array: pa.Array) -> pa.Array:
    """A column as the source system shows it (words, time format)."""
    if pa.types.is_boolean(array.type) and layout.bool_words:
        yes, no = layout.bool_words
        return pc.if_else(array, yes, no)
    if name in layout.values:
        mapping = layout.values[name]
        keys = pa.array(list(mapping), pa.string())
        shown = pa.array(list(mapping.values()), pa.string())
        return pc.take(shown, pc.index_in(array, value_set=keys))
    if pa.types.is_timestamp(array.type) and layout.time_format:
        return pc.strftime(array, format=layout.time_format)
    return array


def _zoned(array: pa.Array) -> pa.Array:
    """Local wall-clock timestamps → instants in the demo's zone (for Parquet)."""
    seconds = pc.subtract(array.cast(pa.int64()), UTC_OFFSET_SECONDS)
    return seconds.cast(pa.timestamp("s", tz=TIMEZONE))


def parquet_schema(table: str) -> pa.Schema:
    from kefu.store.tables import arrow_schema

    schema = arrow_schema(TABLES[table], lineage=False)
    return pa.schema(
        [
            pa.field(f.name, pa.timestamp("s", tz=TIMEZONE)) if pa.types.is_timestamp(f.type) else f
            for f in schema
        ]
    )


class ExportWriter:
    """Streams one export file; ``rows`` counts data rows written (dirty ones included)."""

    def __init__(self, path: Path, layout: Layout, created: datetime) -> None:
        self.path = path
        self.layout = layout
        self.columns = columns_of(layout.table)
        self.rows = 0
        self.dirty = 0
        header = layout.header(self.columns)
        self._parquet: pq.ParquetWriter | None = None
        self._xlsx: Any = None
        self._file: Any = None
        if layout.kind is FileKind.CSV:
            self._file = path.open("wb")
            self._file.write(_csv_line(header).encode(layout.encoding))
        elif layout.kind is FileKind.XLSX:
            import xlsxwriter

            self._xlsx = xlsxwriter.Workbook(
                str(path),
                {"constant_memory": True, "default_date_format": "yyyy-mm-dd hh:mm:ss"},
            )
            # A fixed creation time keeps the file identical for the same seed.
            self._xlsx.set_properties({"created": created, "author": "Kefu demo"})
            self._sheet = self._xlsx.add_worksheet("质检明细")
            self._sheet.write_row(0, 0, header)
        else:
            self._parquet = pq.ParquetWriter(path, parquet_schema(layout.table))

    def write(self, columns: Mapping[str, pa.Array]) -> None:
        arrays = [columns[c] for c in self.columns]
        n = len(arrays[0]) if arrays else 0
        if n == 0:
            return
        if self._parquet is not None:
            typed = [_zoned(a) if pa.types.is_timestamp(a.type) else a for a in arrays]
            schema = self._parquet.schema
            self._parquet.write_table(pa.Table.from_arrays(typed, schema=schema))
        elif self._xlsx is not None:
            shown = [_display(self.layout, c, a) for c, a in zip(self.columns, arrays, strict=True)]
            for row in pa.Table.from_arrays(shown, names=list(self.columns)).to_pylist():
                self.rows += 1
                self._sheet.write_row(self.rows, 0, list(row.values()))
            return
        else:
            shown = [_display(self.layout, c, a) for c, a in zip(self.columns, arrays, strict=True)]
            buf = io.BytesIO()
            table = pa.Table.from_arrays(shown, names=list(self.columns))
            options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
            pacsv.write_csv(table, buf, write_options=options)
            data = buf.getvalue()
            if self.layout.encoding not in ("utf-8", "utf-8-sig"):
                data = data.decode("utf-8").encode(self.layout.encoding)
            self._file.write(data)
        self.rows += n

    def write_raw(self, rows: Sequence[Mapping[str, object]]) -> None:
        """Rows as typed by hand into the source system (the dirty ones), cell by cell."""
        for row in rows:
            cells = [self._cell(c, row.get(c)) for c in self.columns]
            if self._parquet is not None:
                typed = _typed_row(self._parquet.schema, cells)
                if typed is None:  # a typo Parquet cannot hold (a bad timestamp)
                    continue
                self._parquet.write_table(typed)
            elif self._xlsx is not None:
                self._sheet.write_row(self.rows + 1, 0, cells)
            else:
                self._file.write(_csv_line(cells).encode(self.layout.encoding))
            self.rows += 1
            self.dirty += 1

    def _cell(self, column: str, value: object) -> object:
        if (
            isinstance(value, bool)
            and self.layout.bool_words
            and self.layout.kind is not FileKind.PARQUET
        ):
            return self.layout.bool_words[0 if value else 1]
        mapping = self.layout.values.get(column)
        if mapping and isinstance(value, str):
            return mapping.get(value, value)
        return value

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        elif self._xlsx is not None:
            self._xlsx.close()
        else:
            self._file.close()


def _csv_line(cells: Sequence[object]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(["" if c is None else c for c in cells])
    return buf.getvalue()


def _typed_row(schema: pa.Schema, cells: Sequence[object]) -> pa.Table | None:
    arrays = []
    for f, value in zip(schema, cells, strict=True):
        try:
            if pa.types.is_timestamp(f.type) and isinstance(value, str):
                value = datetime.fromisoformat(value)
                local = pa.array([value], pa.timestamp("s"))
                arrays.append(_zoned(local))
                continue
            arrays.append(pa.array([value], f.type))
        except (ValueError, pa.ArrowInvalid, pa.ArrowTypeError):
            return None
    return pa.Table.from_arrays(arrays, schema=schema)
