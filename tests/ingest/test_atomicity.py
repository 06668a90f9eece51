"""An import killed with SIGKILL at its most delicate moment leaves the previous state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from kefu.ingest import import_file
from kefu.store.catalog import BatchState, ImportBatch
from tests.conftest import REPO
from tests.ingest.helpers import stored, write

# Runs an import that pauses after its files are renamed into place but before the
# batch is published, and says so on stdout.
CHILD = """
import sys, time
from kefu.workspace import Workspace
from kefu.ingest import pipeline

real = pipeline._publish
def paused(*args, **kwargs):
    print("renamed", flush=True)
    time.sleep(60)
    real(*args, **kwargs)
pipeline._publish = paused
pipeline.import_file(Workspace.open(sys.argv[1]), sys.argv[2])
"""

HEADER = "contact_id,channel,offered_at,talk_seconds\n"


def test_sigkill_mid_import_leaves_the_old_state_and_is_cleaned_up(ws, tmp_path):
    import_file(ws, write(tmp_path / "contacts.csv", HEADER + "C1,phone,2026-10-01,60\n"))
    f2 = write(
        tmp_path / "contacts2.csv", HEADER + "C1,phone,2026-10-01,99\nC2,phone,2026-10-01,1\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ws.home), str(f2)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "renamed"
        # The new batch's file is in place, yet readers still see only the old state.
        assert len(list(ws.facts.table_dir("contacts").glob("b*.parquet"))) == 2
        assert [(r["contact_id"], r["talk_seconds"]) for r in stored(ws, "contacts")] == [
            ("C1", 60)
        ]
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert [(r["contact_id"], r["talk_seconds"]) for r in stored(ws, "contacts")] == [("C1", 60)]
    # The next import removes what the killed one left and then does its own work.
    deadline = time.monotonic() + 5
    r = import_file(ws, f2)
    assert time.monotonic() < deadline
    assert (r.new, r.changed) == (1, 1)
    with ws.db.session() as s:
        states = sorted(b.state for b in s.query(ImportBatch))
    assert states == [BatchState.ABANDONED, BatchState.COMMITTED, BatchState.COMMITTED]
    assert len(list(ws.facts.table_dir("contacts").glob("*.parquet"))) == 2
    assert not list((ws.home / "tmp").glob("import-*"))  # the killed one's working folder
    assert sorted((r["contact_id"], r["talk_seconds"]) for r in stored(ws, "contacts")) == [
        ("C1", 99), ("C2", 1),
    ]  # fmt: skip
