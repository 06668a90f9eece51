"""Caps on what one imported file may cost: rows, columns, cell size, an Excel sheet's size.

A crafted file of a few kilobytes can claim a million rows or ten thousand columns;
each cap is checked as early as the figure is known (columns on the first lines,
an ``.xlsx`` sheet's sizes before it is unpacked, rows and cells after the one
streaming pass and before anything is written), and a file over a cap loads
nothing. The caps are workspace settings (``import_max_*`` in ``kefu.yaml``);
the defaults leave room for a large centre's month (tens of millions of contacts).
Rejected rows beyond ``import_max_rejects`` are counted but not kept one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kefu.errors import KefuError

if TYPE_CHECKING:
    from kefu.settings import Settings


@dataclass(frozen=True)
class Limits:
    rows: int = 100_000_000
    columns: int = 1_000
    cell_bytes: int = 131_072
    sheet_bytes: int = 1 << 30
    sheet_cells: int = 50_000_000
    rejects: int = 100_000

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            rows=settings.import_max_rows,
            columns=settings.import_max_columns,
            cell_bytes=settings.import_max_cell_bytes,
            sheet_bytes=settings.import_max_sheet_bytes,
            sheet_cells=settings.import_max_sheet_cells,
            rejects=settings.import_max_rejects,
        )


# cap → (the CLI's sentence, the setting); the web says the same from its catalogue,
# under pages.imports.limit.<cap>, with the same parameters.
_SAID = {
    "rows": "the file has {figure} data rows; at most {limit} can be imported",
    "columns": "the file has {figure} columns; at most {limit} can be imported",
    "cell_bytes": "a cell of column {column} holds {figure} bytes; at most {limit} are allowed",
    "sheet_bytes": "sheet '{sheet}' unpacks to {figure} bytes; at most {limit} can be read",
    "sheet_cells": "sheet '{sheet}' spans {span} ({figure} cells); at most {limit} can be read",
}


class LimitExceeded(KefuError):
    """A file over an import cap: nothing of it is loaded; says which cap and the figure."""

    def __init__(self, file_name: str, cap: str, figure: int, limit: int, **detail: str) -> None:
        self.cap, self.figure, self.limit = cap, figure, limit
        self.setting = f"import_max_{cap}"
        self.key = f"pages.imports.limit.{cap}"
        self.params: dict[str, Any] = {
            "file": file_name, "figure": f"{figure:,}", "limit": f"{limit:,}",
            "setting": self.setting, **detail,
        }  # fmt: skip
        said = _SAID[cap].format(**self.params)
        super().__init__(f"{file_name}: {said} (setting {self.setting})")


def check(file_name: str, cap: str, figure: int, limit: int, **detail: str) -> None:
    if figure > limit:
        raise LimitExceeded(file_name, cap, figure, limit, **detail)
