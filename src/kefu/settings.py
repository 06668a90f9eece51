"""A workspace's settings (``kefu.yaml``): a typed model that refuses what it does not know.

Every problem of a settings file is reported together, each with its key and, for
an unknown key, the setting it was probably meant to be::

    Settings.load(path)   # SettingsInvalid: kefu.yaml: appeal_window_day: unknown
                          # setting; did you mean appeal_window_days?

Values are strict: ``appeal_window_days: '14'`` (text) is refused rather than
read as 14 or silently replaced by the default.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kefu.errors import KefuError

DEFAULT_TIMEZONE = "Asia/Shanghai"
_SIZE = re.compile(r"^\s*\d+(\.\d+)?\s*([KMGT]i?B|B)\s*$", re.IGNORECASE)


class SettingsInvalid(KefuError):
    """A settings file with unknown keys or wrong values; ``problems`` lists each one."""

    exit_code = 2

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


class SparkSettings(BaseModel):
    """Where indicators run when ``engine: spark``: the master and any Spark configuration."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    # spark://host:7077 (a standalone cluster), yarn, k8s://…, or local[N] on this machine.
    master: str = "local[2]"
    # Passed to the SparkSession as given (spark.executor.memory: 8g, …).
    conf: dict[str, str] = Field(default_factory=dict)


class Settings(BaseModel):
    """What ``kefu.yaml`` may hold; every field is documented in the README's table."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    timezone: str = DEFAULT_TIMEZONE
    # None: SQLite in the workspace. KEFU_DATABASE_URL always wins.
    database_url: str | None = None
    # DuckDB limits for analytic queries; None lets DuckDB decide (imports: 2GB).
    duckdb_memory_limit: str | None = None
    duckdb_threads: int | None = Field(default=None, ge=1)
    # Days after a period's first publication during which its results can be appealed.
    appeal_window_days: int = Field(default=7, ge=0)
    # The address people open Kefu at (https://kefu.example.com): links in notifications.
    base_url: str | None = None
    # Delivery and schedule of notifications, checked key by key where they are read
    # (kefu.notify.config.NotifySettings).
    notifications: dict[str, Any] | None = None
    # Caps on one imported file (see kefu.ingest.limits): a file over one loads nothing.
    # 30 M contacts (a large centre's month) are well inside the row cap.
    import_max_rows: int = Field(default=100_000_000, ge=1)
    import_max_columns: int = Field(default=1_000, ge=1)
    # Excel holds at most 32,767 characters in a cell: 96 KiB of Chinese text in UTF-8.
    import_max_cell_bytes: int = Field(default=131_072, ge=1)
    # An .xlsx sheet as unpacked: its XML, and the cells of its used range (a sparse
    # sheet claiming A1:XFD1048576 would otherwise be unpacked in full).
    import_max_sheet_bytes: int = Field(default=1 << 30, ge=1)
    import_max_sheet_cells: int = Field(default=50_000_000, ge=1)
    # Rejected rows kept in the reject log per import; beyond, only their count.
    import_max_rejects: int = Field(default=100_000, ge=0)
    # Days an API token is valid when its creator does not say (every token expires).
    api_token_days: int = Field(default=90, ge=1, le=3650)
    # Addresses of the reverse proxies whose X-Forwarded-For/-Proto `kefu serve
    # --proxy-headers` believes (uvicorn's forwarded_allow_ips); "*" trusts any.
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1"])
    # Requests `kefu serve` works on at once (worker threads; one database connection
    # each). anyio's default; more only helps with a database that has the connections.
    web_threads: int = Field(default=40, ge=1, le=1000)
    # The engine indicators are computed on: DuckDB in this process, or a Spark cluster
    # (KEFU_ENGINE and KEFU_SPARK_MASTER override both).
    engine: Literal["duckdb", "spark"] = "duckdb"
    spark: SparkSettings = Field(default_factory=SparkSettings)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}' (e.g. Asia/Shanghai)") from None
        return value

    @field_validator("duckdb_memory_limit")
    @classmethod
    def _size(cls, value: str | None) -> str | None:
        if value is not None and not _SIZE.match(value):
            raise ValueError(f"'{value}' is not a size such as 2GB or 512MB")
        return value

    # -- files ---------------------------------------------------------------
    @classmethod
    def load(cls, path: Path) -> Settings:
        """The settings in ``path``; :class:`SettingsInvalid` lists every problem."""
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise SettingsInvalid(str(path), [f"not valid YAML{where}"]) from None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise SettingsInvalid(str(path), ["the file must hold `setting: value` lines"])
        return cls.parse(data, source=str(path))

    @classmethod
    def parse(cls, data: dict[str, Any], *, source: str = "settings") -> Settings:
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise SettingsInvalid(source, problems(exc, data)) from None

    def dump(self, path: Path) -> None:
        """Write the settings given explicitly (defaults stay defaults when Kefu changes)."""
        data = self.model_dump(exclude_unset=True, exclude_none=True)
        data.setdefault("timezone", self.timezone)
        path.write_text(
            "# Kefu workspace settings (every setting is described in the README)\n"
            + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )

    def effective(self) -> list[dict[str, Any]]:
        """Each setting with its value and whether ``kefu.yaml`` set it."""
        given = self.model_fields_set
        return [
            {"setting": name, "value": getattr(self, name),
             "from": "kefu.yaml" if name in given else "default"}
            for name in type(self).model_fields
        ]  # fmt: skip


_KIND = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "string_type": "text",
    "dict_type": "a mapping of settings",
    "list_type": "a list",
}


def _given(data: dict[str, Any], loc: tuple[int | str, ...]) -> Any:
    """The value the file gave at ``loc`` (``("trusted_proxies", 0)``), None when absent."""
    node: Any = data
    for part in loc:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return None
    return node


def problems(exc: ValidationError, data: dict[str, Any]) -> list[str]:
    """One line per problem: the key, what is wrong, and what was probably meant."""
    fields = list(Settings.model_fields)
    out = []
    for error in exc.errors():
        key = ".".join(str(p) for p in error["loc"]) or "(file)"
        kind = error["type"]
        if kind == "extra_forbidden":
            close = difflib.get_close_matches(key, fields, n=1, cutoff=0.6)
            hint = (
                f"did you mean {close[0]}?" if close else f"the settings are: {', '.join(fields)}"
            )
            out.append(f"{key}: unknown setting; {hint}")
            continue
        value = _given(data, tuple(error["loc"]))
        if kind in _KIND:
            wanted = _KIND[kind]
            if isinstance(value, str) and wanted == "a whole number" and value.strip().isdigit():
                out.append(f"{key}: must be {wanted}, not the text '{value}' (write it unquoted)")
            else:
                out.append(f"{key}: must be {wanted}, not {value!r}")
        elif kind == "value_error":
            out.append(f"{key}: {error['ctx']['error']}")
        elif kind in ("greater_than_equal", "greater_than"):
            out.append(f"{key}: must be at least {error['ctx'].get('ge', error['ctx'].get('gt'))}")
        elif kind in ("less_than_equal", "less_than"):
            out.append(f"{key}: must be at most {error['ctx'].get('le', error['ctx'].get('lt'))}")
        else:
            out.append(f"{key}: {error['msg']}")
    return out
