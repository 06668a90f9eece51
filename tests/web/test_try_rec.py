from datetime import datetime
from kefu.metrics.explain import explain
from kefu.metrics.registry import INDICATORS
from tests.web.appraisal_data import build
from tests.factories import add_records
from tests.metrics.helpers import contact, sh
def test_x(ws):
    build(ws)
    add_records(ws, "contacts", [contact("C9", "A1", sh(2026, 10, 9, 10), direction="out"),
        contact("C8", "A1", sh(2026, 10, 9, 11), answered_at=None, talk_seconds=None)])
    add_records(ws, "complaints", [
        {"complaint_id": "K1", "agent_id": "A1", "received_at": datetime(2026, 10, 6, 3), "attributed": True, "status": "upheld"},
        {"complaint_id": "K2", "agent_id": "A1", "received_at": datetime(2026, 10, 7, 3), "attributed": False, "status": "rejected"},
    ])
    for i in INDICATORS:
        if "." in i: continue
        try:
            e = explain(ws, level="agent", key="A1", period="2026-10", indicator=i)
        except Exception as ex:
            print(i, "ERR", ex); continue
        print(i, e.total, e.counts(), [(t.table, t.counts) for t in e.tables])
