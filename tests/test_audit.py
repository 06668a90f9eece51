from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from kefu.audit import AuditEntry, record


def test_audit_log_refuses_update_and_delete(any_ws):
    with any_ws.db.transaction() as s:
        record(s, "alice", "scorecard.save", "scorecard", "hotline", before=None, after={"v": 1})
    for statement in (update(AuditEntry).values(actor="mallory"), delete(AuditEntry)):
        with pytest.raises(DBAPIError, match="append-only"), any_ws.db.transaction() as s:
            s.execute(statement)
    with any_ws.db.session() as s:
        entry = s.scalars(select(AuditEntry)).one()
    assert (entry.actor, entry.after) == ("alice", {"v": 1})
