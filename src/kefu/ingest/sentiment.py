"""Sentiment of survey comments: derived once, when the survey is imported, and stored.

SnowNLP's probability that a comment is positive decides ``negative_feedback_rate``
for surveys that carry a comment and neither a csat nor an nps answer. Loading its
model takes seconds, so the score is computed at import and stored with the record
(``sentiment``), beside the model that gave it (``sentiment_model``); computing
indicators then reads the column and never loads the model.

When the model changes (a new SnowNLP), the stored scores are stale:
``kefu rederive-sentiment`` rewrites them in place, batch file by batch file. Records
written by a Kefu older than the column have no score and still compute: the engine
scores their comments on the fly until they are re-derived.

    >>> model_version()
    'snownlp-0.12.3'
"""

from __future__ import annotations

import gc
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

    from kefu.workspace import Workspace

# Bumped when how a comment becomes a score changes here (not only the model itself).
RULE = 1
# What counts as blank, as the engine's ``strip()`` sees it (DuckDB's trim set).
_BLANK = " \t\n\r\v\f"


@cache
def model_version() -> str:
    """The stored tag of the model in use: package version and rule (the model not loaded)."""
    from importlib.metadata import version

    tag = f"snownlp-{version('snownlp')}"
    return tag if RULE == 1 else f"{tag}+r{RULE}"


@cache
def _snownlp() -> Any:
    """SnowNLP, its models loaded once per process and kept out of the collector's way.

    Its models are three million small objects that live as long as the process; every
    full pass of the cyclic collector would walk them again (a fifth of a second each in
    a scoring run). Frozen once loaded, the collector no longer visits them (nor what
    else is alive at that moment: at worst a little garbage kept, once per process).
    """
    from snownlp import SnowNLP

    gc.freeze()
    return SnowNLP


@lru_cache(maxsize=200_000)
def sentiment(text: str) -> float:
    """SnowNLP's probability that ``text`` is positive, in ``[0, 1]``."""
    return float(_snownlp()(text).sentiments)


def scores(comments: Sequence[str | None]) -> list[float | None]:
    """The score of each comment; ``None`` for a missing or blank one (the model not asked)."""
    return [None if c is None or not c.strip(_BLANK) else sentiment(c) for c in comments]


def columns(comments: pa.Array | pa.ChunkedArray) -> dict[str, pa.Array]:
    """The derived columns of survey records with these comments, as stored."""
    import pyarrow as pa

    texts = comments.to_pylist()
    return {
        "sentiment": pa.array(scores(texts), pa.float64()),
        "sentiment_model": pa.array([model_version()] * len(texts), pa.string()),
    }


@dataclass(frozen=True)
class Rederived:
    files: int  # batch files rewritten
    rows: int  # survey records in them
    skipped: int  # files already scored by the current model


def rederive(ws: Workspace, *, force: bool = False) -> Rederived:
    """Score every stored survey comment with the current model, file by file.

    A file already scored by the current model is left alone (unless ``force``):
    running it twice changes nothing. Each file is rewritten beside itself and
    renamed into place, so a reader sees the old file or the new, never half of one;
    every other column, the lineage included, is kept as it was.
    """
    import pyarrow.parquet as pq

    from kefu.store.tables import TABLES, arrow_schema

    schema = arrow_schema(TABLES["surveys"])
    current = model_version()
    files = rows = skipped = 0
    for path in ws.facts.committed_files("surveys"):
        stored = pq.read_table(path)
        if not force and _scored_by(stored, current):
            skipped += 1
            continue
        data = {
            f.name: stored.column(f.name).cast(f.type)
            for f in schema
            if f.name in stored.column_names
        }
        data |= columns(stored.column("comment"))
        tmp = path.with_name(f".tmp-{path.name}")
        pq.write_table(pa_table(data, schema), tmp, compression="zstd")
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        files += 1
        rows += stored.num_rows
    return Rederived(files=files, rows=rows, skipped=skipped)


def _scored_by(stored: pa.Table, model: str) -> bool:
    if "sentiment_model" not in stored.column_names:
        return False
    tags = set(stored.column("sentiment_model").unique().to_pylist())
    return tags <= {model}


def pa_table(data: dict[str, Any], schema: pa.Schema) -> pa.Table:
    import pyarrow as pa

    return pa.table({f.name: data[f.name] for f in schema}, schema=schema)
