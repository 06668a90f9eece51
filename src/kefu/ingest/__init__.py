"""Importing exports into the fact store (see :mod:`kefu.ingest.pipeline`).

``import_file`` and ``import_records`` are loaded on first use: the store
modules import :mod:`kefu.ingest.tables`, and the pipeline imports the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kefu.ingest.pipeline import FileResult, import_file, import_records

__all__ = ["FileResult", "import_file", "import_records"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from kefu.ingest import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'kefu.ingest' has no attribute {name!r}")
