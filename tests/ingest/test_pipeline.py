from __future__ import annotations

import time
from datetime import date, datetime

import pytest

from kefu.errors import KefuError
from kefu.ingest import import_file, import_records
from kefu.store.catalog import BatchState, ImportBatch
from tests.ingest.helpers import rejects, stored, write

HEADER = "contact_id,channel,agent_id,offered_at,answered_at,ended_at,talk_seconds\n"


def test_good_rows_load_with_lineage_and_utc_times(ws, tmp_path):
    f = write(tmp_path / "contacts.csv", HEADER + "C1,phone,A1,2026-10-01 08:00:00,"
              "2026-10-01 08:00:30,2026-10-01 08:05:30,300\n")  # fmt: skip
    r = import_file(ws, f)
    assert (r.table, r.rows_read, r.accepted, r.rejected, r.new) == ("contacts", 1, 1, 0, 1)
    (row,) = stored(ws, "contacts")
    # 08:00 in Asia/Shanghai (UTC+8) is 00:00 UTC.
    assert row["offered_at"] == datetime(2026, 10, 1, 0, 0)
    assert row["answered_at"] == datetime(2026, 10, 1, 0, 0, 30)
    assert row["talk_seconds"] == 300
    assert row["direction"] == "in"  # default
    assert (row["source"], row["batch_id"], row["source_file"], row["source_row"]) == (
        "default", r.batch, "contacts.csv", 2,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("line", "column", "rule"),
    [
        (",phone,A1,2026-10-01 08:00:00,,,", "contact_id", "missing"),
        ("C1,fax,A1,2026-10-01 08:00:00,,,", "channel", "unparsable"),
        ("C1,phone,A1,yesterday,,,", "offered_at", "unparsable"),
        ("C1,phone,A1,2026-10-01 08:00:00,,,-5", "talk_seconds", "out_of_range"),
        ("C1,phone,A1,2026-10-01 08:00:00,2026-10-01 07:59:59,,", "answered_at",
         "answered_before_offered"),
        ("C1,phone,A1,2026-10-01 08:00:00,2026-10-01 08:00:10,2026-10-01 08:00:05,", "ended_at",
         "ended_before_answered"),
        ("C1,phone,A1,2026-10-01 08:00:00,,,,extra", None, "field_count"),
        ("C1,phone,A1", None, "field_count"),
    ],
)  # fmt: skip
def test_a_row_breaking_a_rule_is_rejected_and_the_rest_loads(ws, tmp_path, line, column, rule):
    good = "C0,phone,A1,2026-10-01 08:00:00,,,\n"
    f = write(tmp_path / "contacts.csv", HEADER + good + line + "\n")
    r = import_file(ws, f)
    assert (r.rows_read, r.accepted, r.rejected) == (2, 1, 1)
    (rej,) = rejects(ws)
    assert (rej.row, rej.column, rej.rule.split(":")[0]) == (3, column, rule)
    assert rej.source_file == "contacts.csv"
    assert rej.raw["contact_id"] == line.split(",")[0]
    assert [x["contact_id"] for x in stored(ws, "contacts")] == ["C0"]


def test_duplicate_keys_in_one_file_keep_the_first(ws, tmp_path):
    rows = "C1,phone,A1,2026-10-01 08:00:00,,,\nC1,phone,A2,2026-10-01 09:00:00,,,\n"
    import_file(ws, write(tmp_path / "contacts.csv", HEADER + rows))
    (rej,) = rejects(ws)
    assert (rej.row, rej.column, rej.rule) == (3, "contact_id", "duplicate_key: same key as row 2")
    assert [x["agent_id"] for x in stored(ws, "contacts")] == ["A1"]


def test_unknown_agents_are_rejected_once_a_roster_exists(ws, tmp_path):
    qa = write(
        tmp_path / "qa.csv",
        "质检单号,工号,质检时间,质检得分\nQ1,A1,2026-10-02 10:00,95%\nQ2,ZZ,2026-10-02 10:00,80\n",
    )
    assert import_file(ws, qa).rejected == 0  # no roster yet: nothing to check against
    roster = write(tmp_path / "agents.csv", "工号,姓名,班组,入职日期\nA1,张三,一组,2025-03-01\n")
    import_file(ws, roster)
    (agent,) = stored(ws, "agents")
    assert agent["valid_from"] == date(2025, 3, 1)  # default: the hire date
    qa2 = write(tmp_path / "qa2.csv", qa.read_text(encoding="utf-8") + "Q3,ZZ,2026-10-03,70\n")
    r = import_file(ws, qa2)
    assert (r.rejected, r.unchanged) == (2, 1)
    assert {x.rule for x in rejects(ws)} == {"unknown_agent: agent is not in the roster"}
    assert stored(ws, "qa_evaluations")[0]["compliance_score"] == 95


def test_info_yes_no_and_info_correct_above_checked(ws, tmp_path):
    f = write(
        tmp_path / "质检.csv",
        "质检单号,被检坐席,质检时间,信息是否准确\nQ1,A1,2026-10-02,是\nQ2,A1,2026-10-02,否\n",
    )
    import_file(ws, f)
    got = {
        r["evaluation_id"]: (r["info_checked"], r["info_correct"])
        for r in stored(ws, "qa_evaluations")
    }
    assert got == {"Q1": (1, 1), "Q2": (1, 0)}
    bad = write(
        tmp_path / "qa.csv",
        "evaluation_id,agent_id,evaluated_at,info_checked,info_correct\nQ9,A1,2026-10-02,2,3\n",
    )
    import_file(ws, bad)
    assert rejects(ws)[0].rule.startswith("info_correct_exceeds_checked")


def test_ratings_on_a_five_point_scale_become_0_to_100(ws, tmp_path):
    f = write(
        tmp_path / "ratings.csv",
        "rating_id,agent_id,rated_on,score,scale\nR1,A1,2026-10-05,4,5\nR2,A1,2026-10-05,80,\n"
        "R3,A1,2026-10-05,6,5\n",
    )
    r = import_file(ws, f)
    assert r.rejected == 1
    got = {x["rating_id"]: x["score"] for x in stored(ws, "ratings")}
    assert got == {"R1": (4 - 1) * 25, "R2": 80}


def test_csat_labels_and_range(ws, tmp_path):
    f = write(
        tmp_path / "surveys.csv",
        "评价ID,坐席工号,评价时间,满意度\nS1,A1,2026-10-01 10:00,非常满意\nS2,A1,2026-10-01,3\n"
        "S3,A1,2026-10-01,6\n",
    )
    assert import_file(ws, f).rejected == 1
    assert {x["survey_id"]: x["csat"] for x in stored(ws, "surveys")} == {"S1": 5, "S2": 3}


def test_gbk_files_are_detected_and_read(ws, tmp_path):
    text = "通话ID,渠道,坐席工号,进线时间,呼叫方向,是否转接\n" + "".join(
        f"C{i},电话,工号{i},2026-10-01 08:00:00,呼出,否\n" for i in range(50)
    )
    f = write(tmp_path / "通话记录.csv", text, encoding="gbk")
    r = import_file(ws, f)
    assert (r.table, r.accepted) == ("contacts", 50)
    row = stored(ws, "contacts")[0]
    assert (row["agent_id"], row["direction"], row["transferred"]) == ("工号0", "out", False)


def test_a_short_gbk_file_is_still_read_as_chinese(ws, tmp_path):
    f = write(tmp_path / "calls.csv", "通话ID,渠道,进线时间\nC1,电话,2026-10-01\n", encoding="gbk")
    assert import_file(ws, f).accepted == 1
    assert stored(ws, "contacts")[0]["channel"] == "phone"


def test_utf8_bom_and_tab_delimited(ws, tmp_path):
    f = write(
        tmp_path / "calls.tsv", "通话ID\t渠道\t进线时间\nC1\t在线\t2026-10-01 08:00\n", "utf-8-sig"
    )
    assert import_file(ws, f).accepted == 1
    assert stored(ws, "contacts")[0]["channel"] == "chat"


def test_excel_dates_serials_and_sheets(ws, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["this sheet is notes"])
    sheet = book.create_sheet("明细")
    sheet.append(["通话ID", "渠道", "进线时间", "通话时长"])
    sheet.append(["C1", "电话", datetime(2026, 10, 1, 8, 0, 5), 95])
    sheet.append(["C2", "电话", 46296.5, "1分"])  # an Excel serial typed as a number
    f = tmp_path / "contacts.xlsx"
    book.save(f)
    r = import_file(ws, f, sheet="明细")
    assert (r.accepted, r.rejected) == (2, 0)
    got = {x["contact_id"]: x["offered_at"] for x in stored(ws, "contacts")}
    assert got == {"C1": datetime(2026, 10, 1, 0, 0, 5), "C2": datetime(2026, 10, 1, 4, 0)}
    with pytest.raises(KefuError, match="no sheet 'nope'"):
        import_file(ws, f, sheet="nope")


def test_same_content_twice_is_a_no_op(ws, tmp_path):
    f = write(tmp_path / "contacts.csv", HEADER + "C1,phone,A1,2026-10-01 08:00:00,,,\n")
    first = import_file(ws, f)
    again = import_file(ws, f)
    assert again.status == "already imported"
    assert again.message == f"already imported (batch {first.batch})"
    assert len(stored(ws, "contacts")) == 1


def test_a_corrected_export_stores_a_new_version_and_the_latest_wins(ws, tmp_path):
    v1 = "C1,phone,A1,2026-10-01 08:00:00,,,60\nC2,phone,A1,2026-10-03 08:00:00,,,60\n"
    import_file(ws, write(tmp_path / "contacts.csv", HEADER + v1))
    v2 = v1.replace(",,,60\nC2", ",,,90\nC2") + "C3,phone,A1,2026-10-20 08:00:00,,,60\n"
    r = import_file(ws, write(tmp_path / "contacts.csv", HEADER + v2))
    assert (r.new, r.changed, r.unchanged) == (1, 1, 1)
    with ws.db.session() as s:
        batch = s.get(ImportBatch, r.batch)
        # Local dates of the new and changed records only (C1 and C3).
        assert (batch.period_start, batch.period_end) == (date(2026, 10, 1), date(2026, 10, 20))
        assert batch.changed == 1
    current = {x["contact_id"]: x["talk_seconds"] for x in stored(ws, "contacts")}
    assert current == {"C1": 90, "C2": 60, "C3": 60}
    con = ws.duckdb()
    every = ws.facts.table(con, "contacts", all_versions=True).execute()
    assert sorted(every.contact_id) == ["C1", "C1", "C2", "C3"]


def test_import_records_goes_through_the_same_checks(ws):
    rec = {"evaluation_id": "Q1", "agent_id": "A1", "evaluated_at": datetime(2026, 10, 2, 2, 0),
           "compliance_score": 88, "fatal": False}  # fmt: skip
    r = import_records(ws, "qa_evaluations", [rec], source="appeals", label="appeal 7", actor="lee")
    assert (r.accepted, r.new) == (1, 1)
    fixed = import_records(ws, "qa_evaluations", [{**rec, "compliance_score": 92}],
                           source="appeals", label="appeal 7 decision", actor="lee")  # fmt: skip
    assert fixed.changed == 1
    (row,) = stored(ws, "qa_evaluations")
    assert (row["compliance_score"], row["evaluated_at"], row["source_file"]) == (
        92, datetime(2026, 10, 2, 2, 0), "appeal 7 decision",
    )  # fmt: skip
    over = {**rec, "evaluation_id": "Q2", "compliance_score": 120}
    bad = import_records(ws, "qa_evaluations", [over], source="appeals", label="x", actor="lee")
    assert bad.rejected == 1
    assert bad.message == (
        "1 row(s) rejected — row 2 compliance_score: out_of_range: must be 0–100"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("contacts.csv", b"", "empty"),
        ("contacts.csv", b"contact_id,channel,offered_at\n", "no data rows"),
        ("contacts.csv", b"contact_id,offered_at\nC1,2026-10-01\n",
         r"required contacts field\(s\) channel"),
        ("mystery.csv", b"foo,bar\n1,2\n", "cannot tell which table"),
        ("contacts.doc", b"hello", "unsupported file type"),
        ("contacts.xlsx", b"not a zip", "not a readable Excel workbook"),
    ],
)  # fmt: skip
def test_unreadable_files_load_nothing_and_say_why(ws, tmp_path, name, content, message):
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(KefuError, match=message):
        import_file(ws, f)
    with ws.db.session() as s:
        assert s.query(ImportBatch).filter_by(state=BatchState.COMMITTED).count() == 0


def test_missing_required_column_names_the_headers_found(ws, tmp_path):
    f = write(tmp_path / "contacts.csv", "contact_id,offered_at\nC1,2026-10-01\n")
    with pytest.raises(KefuError, match="headers are: contact_id, offered_at"):
        import_file(ws, f)


def test_a_failure_before_publication_leaves_the_previous_state(ws, tmp_path, monkeypatch):
    from kefu.ingest import pipeline

    f1 = write(tmp_path / "contacts.csv", HEADER + "C1,phone,A1,2026-10-01 08:00:00,,,60\n")
    import_file(ws, f1)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipeline, "_publish", boom)
    f2 = write(tmp_path / "contacts2.csv", HEADER + "C1,phone,A1,2026-10-01 08:00:00,,,99\n"
               "C2,phone,A1,2026-10-01 08:00:00,,,1\n")  # fmt: skip
    with pytest.raises(RuntimeError):
        import_file(ws, f2, table="contacts")
    assert [(x["contact_id"], x["talk_seconds"]) for x in stored(ws, "contacts")] == [("C1", 60)]
    assert len(list(ws.facts.table_dir("contacts").glob("*.parquet"))) == 1
    monkeypatch.undo()
    assert import_file(ws, f2, table="contacts").changed == 1
    assert len(stored(ws, "contacts")) == 2


def test_folder_import_ignores_other_files(ws, tmp_path):
    from kefu.cli.imports import expand

    (tmp_path / "d").mkdir()
    write(tmp_path / "d" / "contacts.csv", HEADER)
    write(tmp_path / "d" / "agents.csv", "agent_id,name,team\n")
    write(tmp_path / "d" / "notes.md", "x")
    assert [p.name for p in expand([tmp_path / "d"])] == ["agents.csv", "contacts.csv"]


def test_leftover_tmp_files_and_pending_batches_are_cleaned(ws, tmp_path):
    from kefu.ingest import batches

    bid = batches.reserve(ws, table="contacts", source="x", source_file="f", sha256="0",
                          mapping=None, actor="t")  # fmt: skip
    with ws.db.transaction() as s:
        s.get(ImportBatch, bid).pid = 2**22 + 12345  # no such process
    tmp = ws.facts.tmp_file("contacts", bid)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_bytes(b"half")
    import_file(ws, write(tmp_path / "contacts.csv", HEADER + "C1,phone,A1,2026-10-01,,,\n"))
    assert not tmp.exists()
    with ws.db.session() as s:
        assert s.get(ImportBatch, bid).state == BatchState.ABANDONED


def test_tickets_without_due_time_mark_the_days_their_sla_can_reach_as_stale(ws, tmp_path):
    f = write(
        tmp_path / "工单.csv",
        "工单号,处理人工号,创建时间,完结时间\nT1,A1,2026-10-30 10:00,2026-11-02 09:00\n",
    )
    r = import_file(ws, f)
    with ws.db.session() as s:
        batch = s.get(ImportBatch, r.batch)
        # Created 30 Oct; due within the SLA (at most a week, 6 Nov); closed 2 Nov.
        assert (batch.period_start, batch.period_end) == (date(2026, 10, 30), date(2026, 11, 6))


def test_title_lines_above_the_header_are_passed_over(ws, tmp_path):
    csv_file = write(
        tmp_path / "contacts.csv",
        "话务明细报表\n导出时间：2026-10-31\n通话ID,渠道,进线时间\nC1,电话,2026-10-01\nC2,电话,x\n",
    )
    r = import_file(ws, csv_file)
    assert (r.rows_read, r.accepted, r.rejected) == (2, 1, 1)
    assert rejects(ws)[0].row == 5  # still the row a spreadsheet shows

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["质检明细"])
    book.active.append([])
    book.active.append(["质检单号", "工号", "质检时间"])
    book.active.append(["Q1", "A1", "2026-10-02 10:00"])
    book.save(tmp_path / "qa.xlsx")
    r = import_file(ws, tmp_path / "qa.xlsx")
    assert (r.table, r.accepted) == ("qa_evaluations", 1)
    assert stored(ws, "qa_evaluations")[0]["source_row"] == 4


def test_rows_keep_their_file_row_numbers_when_a_large_csv_is_read_in_parallel(ws, tmp_path):
    # Large enough for DuckDB to split the scan across threads: every stored record must
    # still carry the row it came from, and a bad row in the middle is reported there.
    n = 400_000
    lines = [
        f"C{i:07d},{'chat' if i % 3 else 'phone'},A{i % 97},2026-10-01 08:{i % 60:02d}:00,,,"
        f"{i % 500},{'是' if i % 2 else '否'}"
        for i in range(n)
    ]
    bad = 250_000
    lines[bad] = f"C{bad:07d},phone,A1,not a time,,,,是"
    header = HEADER.replace("\n", ",resolved\n")
    f = write(
        tmp_path / "contacts.csv", "导出时间: 2026-11-01\n" + header + "\n".join(lines) + "\n"
    )
    r = import_file(ws, f)
    assert (r.rows_read, r.accepted, r.rejected) == (n, n - 1, 1)
    (rej,) = rejects(ws)
    # Title line = row 1, header = row 2, lines[i] = row i + 3.
    assert (rej.row, rej.column, rej.raw["contact_id"]) == (bad + 3, "offered_at", f"C{bad:07d}")
    con = ws.duckdb().con
    files = [str(p) for p in ws.facts.committed_files("contacts")]
    wrong = con.execute(
        "SELECT count(*) FROM read_parquet(?) "
        "WHERE CAST(substr(contact_id, 2) AS BIGINT) + 3 <> source_row",
        [files],
    ).fetchone()
    assert wrong == (0,)


def test_a_projection_that_would_reorder_rows_falls_back_to_numbered_reading(
    ws, tmp_path, monkeypatch
):
    from kefu.ingest import pipeline

    monkeypatch.setattr(pipeline, "keeps_order", lambda con, sql: False)
    rows = "".join(f"C{i},phone,A1,2026-10-01 08:00:00,,,{i}\n" for i in range(5))
    f = write(tmp_path / "contacts.csv", "报表\n" + HEADER + rows + "C9,phone,A1,bad,,,\n")
    r = import_file(ws, f)
    assert (r.rows_read, r.accepted, r.rejected) == (6, 5, 1)
    assert rejects(ws)[0].row == 8
    assert [x["source_row"] for x in stored(ws, "contacts")] == [3, 4, 5, 6, 7]


def test_only_scans_projections_and_filters_count_as_keeping_order():
    import duckdb

    from kefu.ingest.pipeline import keeps_order

    con = duckdb.connect()
    con.execute(
        "CREATE VIEW raw AS SELECT * FROM read_csv('/dev/null', columns = {'a': 'VARCHAR'})"
    )
    assert keeps_order(con, "SELECT upper(a) AS b FROM raw WHERE a <> 'x'")
    assert not keeps_order(con, "SELECT r.a FROM raw AS r JOIN raw AS s ON r.a = s.a")
    assert not keeps_order(con, "SELECT a, row_number() OVER (PARTITION BY a) FROM raw")


def test_a_repeated_key_keeps_the_raw_cells_of_the_rejected_row(ws, tmp_path):
    rows = "C1,phone,A1,2026-10-01 08:00:00,,,10\nC1,chat,A2,2026-10-01 09:00:00,,,20\n"
    import_file(ws, write(tmp_path / "contacts.csv", HEADER + rows))
    (rej,) = rejects(ws)
    assert rej.raw["agent_id"] == "A2" and rej.raw["channel"] == "chat"


def test_reimporting_known_content_stops_as_soon_as_its_digest_is_known(ws, tmp_path, monkeypatch):
    from kefu.ingest import pipeline

    f = write(tmp_path / "contacts.csv", HEADER + "C1,phone,A1,2026-10-01 08:00:00,,,5\n")
    first = import_file(ws, f)
    real = pipeline.sha256_file

    def slow_sha256(path):  # as for a file of gigabytes: the import goes on meanwhile
        time.sleep(1.5)
        return real(path)

    def endless(con, sql):  # stands for a long first pass; only the digest check ends it
        con.execute("SELECT count(*) FROM range(1000000000000)").fetchall()
        raise AssertionError("the import was not stopped")

    monkeypatch.setattr(pipeline, "sha256_file", slow_sha256)
    monkeypatch.setattr(pipeline, "keeps_order", endless)
    again = import_file(ws, f)
    assert (again.status, again.batch) == ("already imported", first.batch)


def test_the_digest_of_a_sheet_differs_from_the_workbook_and_equals_sha256(tmp_path):
    import hashlib

    from kefu.ingest.pipeline import Digest

    f = write(tmp_path / "a.csv", "x\n1\n")
    plain = hashlib.sha256(b"x\n1\n").hexdigest()
    assert Digest.of_file(f, None).value() == plain
    assert (
        Digest.of_file(f, "Sheet2").value()
        == hashlib.sha256(f"{plain}:Sheet2".encode()).hexdigest()
    )


def test_parquet_instants_are_stored_as_the_same_utc_instants_before_and_after_dst_ended(
    ws, tmp_path
):
    import pyarrow as pa
    import pyarrow.parquet as pq

    # Shanghai kept summer time until 1991: 1988-07-01 12:00 local was 03:00 UTC (UTC+9);
    # 2026-10-01 08:00 local is 00:00 UTC (UTC+8).
    instants = [datetime(1988, 7, 1, 3, 0), datetime(2026, 10, 1, 0, 0, 0, 250000)]
    table = pa.table({
        "contact_id": ["C1", "C2"], "channel": ["phone", "chat"], "agent_id": ["A1", "A1"],
        "offered_at": pa.array(instants, pa.timestamp("us", tz="UTC")).cast(
            pa.timestamp("us", tz="Asia/Shanghai")
        ),
    })  # fmt: skip
    pq.write_table(table, tmp_path / "contacts.parquet")
    r = import_file(ws, tmp_path / "contacts.parquet")
    assert (r.accepted, r.rejected) == (2, 0)
    assert [x["offered_at"] for x in stored(ws, "contacts")] == instants


def test_a_roster_with_both_hire_and_valid_from_dates_reads_each(ws, tmp_path):
    f = write(
        tmp_path / "agents.csv",
        "工号,姓名,班组,入职日期,生效日期\nA1,张三,一组,2025-03-01,2026-10-01\nA2,李四,二组,2025-05-01,\n",
    )
    r = import_file(ws, f)
    assert (r.accepted, r.rejected) == (2, 0)
    got = {a["agent_id"]: a["valid_from"] for a in stored(ws, "agents")}
    # A2 has no valid_from of its own: the assignment holds from hiring.
    assert got == {"A1": date(2026, 10, 1), "A2": date(2025, 5, 1)}
