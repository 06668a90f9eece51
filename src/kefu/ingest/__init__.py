"""Importing exports into the fact store (see :mod:`kefu.ingest.pipeline`).

The pipeline is loaded on first use: the sentiment model's tag
(:mod:`kefu.ingest.sentiment`) is read by every indicator computation, which must
not pay for the readers, SQLAlchemy and the mapping machinery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kefu.ingest.outcome import FileResult
    from kefu.ingest.pipeline import import_file, import_records

__all__ = ["FileResult", "import_file", "import_records"]


def __getattr__(name: str) -> Any:
    if name == "FileResult":
        from kefu.ingest.outcome import FileResult

        return FileResult
    if name in ("import_file", "import_records"):
        from kefu.ingest import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'kefu.ingest' has no attribute {name!r}")
