"""Ctrl-C and SIGTERM stop a running import: its DuckDB query ends and nothing is loaded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from kefu.store.catalog import BatchState, ImportBatch
from kefu.workspace import Workspace


def _big_contacts(path: Path, encoding: str) -> Path:
    # Big enough that the import is still in its streaming pass when the signal comes.
    lines = (f"C{i},电话,A1,2026-10-01 08:00:00,,,5\n" for i in range(1_000_000))
    path.write_bytes(("通话ID,渠道,坐席工号,进线时间,应答时间,挂机时间,通话时长\n"
                      + "".join(lines)).encode(encoding))  # fmt: skip
    return path


@pytest.mark.parametrize(
    ("sig", "encoding"), [(signal.SIGTERM, "utf-8"), (signal.SIGINT, "gbk")], ids=["term", "int"]
)
def test_a_signal_stops_the_import_under_way_and_loads_nothing(tmp_path, sig, encoding):
    home = tmp_path / "ws"
    Workspace.init(home).close()
    f = _big_contacts(tmp_path / "contacts.csv", encoding)
    kefu = Path(sys.executable).parent / "kefu"
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("KEFU_DEBUG", None)
    proc = subprocess.Popen([str(kefu), "import", str(f), "--home", str(home)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        # The streaming pass has begun once its output file exists.
        while not list((home / "tmp").glob("import-*/checked.parquet")):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the import never started its pass"
            time.sleep(0.05)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, (out, err)
    assert err.strip() == "error: interrupted; the file being imported was not loaded"
    assert "Traceback" not in err
    ws = Workspace.open(home)
    with ws.db.session() as s:
        states = list(s.scalars(select(ImportBatch.state)))
    assert BatchState.COMMITTED not in states and BatchState.PENDING not in states
    assert not list(ws.facts_dir.rglob("*.parquet"))
    assert not list((home / "tmp").glob("import-*"))  # its working folder is gone too
    ws.close()
