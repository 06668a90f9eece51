"""What the results shown are: the one status label pages, PDFs and workbooks print.

=================  ==============================================  =========
status             the run shown                                   a draft?
=================  ==============================================  =========
open               no run                                          —
scored             scored, not published                           yes
stale              scored, data imported since                     yes
published          published, the month's newest run               no
published_stale    published, data imported since                  no
published_revision published; a re-score waits to be published     no
revision_pending   that re-score (of a published month)            yes
=================  ==============================================  =========

"Stale" states say that the figures and the grades disagree: the figures come
from the data as imported now, the grades from the run (数据已更新,需重新评分).
"""

from __future__ import annotations

from kefu.scoring.models import RunState, ScoringRun
from kefu.scoring.runs import Catalog, is_stale, latest_run
from kefu.workspace import Workspace

DRAFTS = frozenset({"scored", "stale", "revision_pending"})
STALE = frozenset({"stale", "published_stale"})


def status_of(ws: Workspace, run: ScoringRun | None, batches: Catalog | None = None) -> str:
    """The status of the results of ``run`` as shown to a reader."""
    if run is None:
        return "open"
    stale = is_stale(ws, run, batches)
    if run.state == RunState.PUBLISHED:
        newest = latest_run(ws, run.period)
        if newest is not None and newest.id != run.id:
            # the published results stand; a re-score of them waits to be published
            return "published_revision"
        return "published_stale" if stale else "published"
    if run.revision_of is not None:
        return "stale" if stale else "revision_pending"
    return "stale" if stale else "scored"
