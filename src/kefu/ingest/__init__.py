"""Importing exports into the fact store (see :mod:`kefu.ingest.pipeline`)."""

from __future__ import annotations

from kefu.ingest.outcome import FileResult
from kefu.ingest.pipeline import import_file, import_records

__all__ = ["FileResult", "import_file", "import_records"]
