"""Ibis, imported on first use.

The indicator modules build Ibis expressions only when a figure is compiled; a
computation answered from the compiled-SQL cache (:mod:`kefu.metrics.sqlcache`)
runs plain DuckDB and must not pay Ibis's import. Modules write::

    if TYPE_CHECKING:
        import ibis
    else:
        from kefu.metrics.lazy import ibis
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class _LazyModule:
    """Stands for a module and imports it at the first attribute read."""

    def __init__(self, name: str) -> None:
        self._name = name

    def _module(self) -> ModuleType:
        return importlib.import_module(self._name)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._module(), attr)


ibis: Any = _LazyModule("ibis")
