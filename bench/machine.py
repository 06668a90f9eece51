"""What the numbers were measured on: cores, memory, CPU, library versions, date."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def machine_info() -> dict[str, Any]:
    import psutil

    memory = psutil.virtual_memory().total
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_model": _cpu_model(),
        "cores_logical": os.cpu_count(),
        "cores_physical": psutil.cpu_count(logical=False),
        # The cores this process may use (containers often allow fewer than the machine has).
        "cores_available": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else None,
        # Other work on the machine while measuring makes every figure slower.
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "ram_bytes": memory,
        "ram_gib": round(memory / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": _version("duckdb"),
        "pyarrow": _version("pyarrow"),
        "ibis": _version("ibis-framework"),
        "pandas": _version("pandas"),
        "polars": _version("polars"),
        "kefu": _version("kefu"),
    }
