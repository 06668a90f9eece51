"""Sentiment of survey comments that carry neither a csat nor an nps answer.

The score is stored with each survey at import (:mod:`kefu.ingest.sentiment`), so
indicators read it and never load the model. Records without a score of the
current model (written before the column existed, or by another model and not yet
re-derived with ``kefu rederive-sentiment``) are scored here instead: their
distinct comments are collected, scored once per text and joined back through a
memtable, which keeps the indicator expressions engine-agnostic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kefu.ingest.sentiment import model_version, sentiment

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from kefu.metrics.computation import Ctx

__all__ = ["sentiment", "with_sentiment"]


def with_sentiment(ctx: Ctx, surveys: ir.Table) -> ir.Table:
    """``surveys`` with ``sentiment``: the score of each comment-only survey, else null."""
    import ibis

    t = surveys
    deciding = t.has_comment & t.csat.isnull() & t.nps.isnull()
    stale = deciding & (t.sentiment_model.isnull() | (t.sentiment_model != model_version()))
    needing = t.filter(stale).select(_s_comment=t.comment).distinct()
    texts = ctx.run(needing, "sentiment_stale").column("_s_comment").to_pylist()
    if not texts:
        return t.mutate(sentiment=ibis.ifelse(deciding, t.sentiment, ibis.null("float64")))
    import pyarrow as pa

    data = pa.table(
        {"_s_comment": texts, "_s_score": [sentiment(x) for x in texts]},
        schema=pa.schema([("_s_comment", pa.string()), ("_s_score", pa.float64())]),
    )
    scores = ibis.memtable(data) if ctx.capture is None else ctx.capture.scores(ctx.con, data)
    j = t.left_join(scores, t.comment == scores._s_comment)
    fresh = ibis.ifelse(stale, j._s_score, j.sentiment)
    return j.mutate(sentiment=ibis.ifelse(deciding, fresh, ibis.null("float64"))).drop(
        "_s_comment", "_s_score"
    )
