"""A web request's one session: the code it calls reuses it instead of taking a connection."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kefu.store.catalog import ImportJob
from kefu.web.jobs import create_job
from kefu.workspace import Workspace


def _job(s, name: str) -> int:  # type: ignore[no-untyped-def]
    return create_job(s, "test", [{"name": name, "path": name}], table=None, mapping=None,
                      source=None).id  # fmt: skip


def _names(ws: Workspace) -> list[str]:
    with ws.db.session() as s:
        return [j.files[0]["name"] for j in s.scalars(select(ImportJob).order_by(ImportJob.id))]


def test_sessions_opened_during_a_request_are_the_request_session(any_ws: Workspace) -> None:
    ws = any_ws
    pool = ws.db.engine.pool
    with ws.db.request_session() as request:
        _job(request, "first.csv")  # the request has its connection now
        with ws.db.session() as inner, ws.db.transaction() as nested:
            assert inner is request and nested is request
            _job(nested, "second.csv")
            assert pool.checkedout() == 1  # type: ignore[attr-defined]
    assert pool.checkedout() == 0  # type: ignore[attr-defined]
    # Outside a request each call has its own session again.
    with ws.db.session() as a, ws.db.session() as b:
        assert a is not b
    assert _names(ws) == ["first.csv", "second.csv"]


def test_a_failed_block_inside_a_request_undoes_only_itself(any_ws: Workspace) -> None:
    ws = any_ws
    with ws.db.request_session() as request:
        _job(request, "kept.csv")
        with pytest.raises(RuntimeError), ws.db.transaction() as s:
            _job(s, "undone.csv")
            raise RuntimeError("the block fails")
    assert _names(ws) == ["kept.csv"]


def test_a_failed_request_commits_nothing(any_ws: Workspace) -> None:
    ws = any_ws
    with pytest.raises(RuntimeError), ws.db.request_session() as request:
        _job(request, "lost.csv")
        raise RuntimeError("the route fails")
    assert _names(ws) == []
