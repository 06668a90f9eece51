"""The catalog side of an import works the same on SQLite and PostgreSQL."""

from __future__ import annotations

from kefu.audit import AuditEntry
from kefu.ingest import import_file
from kefu.store.catalog import ImportBatch
from tests.ingest.helpers import rejects, stored, write


def test_import_commit_rejects_and_audit_on_every_backend(any_ws, tmp_path):
    f = write(tmp_path / "contacts.csv", "通话ID,渠道,进线时间\nC1,电话,2026-10-01\nC2,电话,x\n")
    r = import_file(any_ws, f, actor="tester")
    assert (r.accepted, r.rejected) == (1, 1)
    assert [x.raw for x in rejects(any_ws)] == [{"通话ID": "C2", "渠道": "电话", "进线时间": "x"}]
    assert [x["contact_id"] for x in stored(any_ws, "contacts")] == ["C1"]
    with any_ws.db.session() as s:
        batch = s.get(ImportBatch, r.batch)
        assert (batch.state, batch.rows_read, batch.created_by) == ("committed", 2, "tester")
        (entry,) = s.query(AuditEntry).filter_by(action="import.commit").all()
        assert (entry.actor, entry.object_id, entry.after["rejected"]) == (
            "tester",
            str(r.batch),
            1,
        )
    assert import_file(any_ws, f).status == "already imported"
