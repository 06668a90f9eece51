from __future__ import annotations

import hashlib
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import openpyxl
import pyarrow.parquet as pq
import pytest

from kefu.demo import generator as gen
from kefu.demo.exports import ExportFormat
from kefu.demo.generator import generate, write_contacts
from kefu.errors import UsageError
from kefu.store.tables import TABLES
from tests.demo.conftest import SEED, column, files_of, read_export


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize("fmt", [ExportFormat.csv, ExportFormat.parquet])
def test_same_seed_gives_byte_identical_files(tmp_path: Path, fmt: ExportFormat) -> None:
    a = generate(tmp_path / "a", agents=12, months=1, seed=3, start="2026-11", fmt=fmt)
    b = generate(tmp_path / "b", agents=12, months=1, seed=3, start="2026-11", fmt=fmt)
    assert a.as_rows() == b.as_rows()
    assert _digests(a.out) == _digests(b.out)
    assert len(_digests(a.out)) == 11  # one contacts file for the one month


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", agents=12, months=1, seed=3, start="2026-11")
    b = generate(tmp_path / "b", agents=12, months=1, seed=4, start="2026-11")
    assert _digests(a.out)["通话记录_2026-11.csv"] != _digests(b.out)["通话记录_2026-11.csv"]


def test_every_table_is_exported_with_rows(autumn) -> None:
    rows = autumn.rows_by_table()
    assert set(rows) == set(TABLES)
    assert all(n > 0 for n in rows.values()), rows
    # Contacts come one file per month.
    assert [p.name for p in files_of(autumn, "contacts")] == [
        "通话记录_2026-10.csv",
        "通话记录_2026-11.csv",
    ]


def test_file_formats_mix_like_real_exports(autumn) -> None:
    tickets = files_of(autumn, "tickets")[0]
    assert tickets.name == "工单.csv"
    tickets.read_bytes().decode("gbk")  # GBK, as Excel on Chinese Windows saves it
    with pytest.raises(UnicodeDecodeError):
        tickets.read_bytes().decode("utf-8")
    assert files_of(autumn, "qa_evaluations")[0].suffix == ".xlsx"
    assert files_of(autumn, "agents")[0].read_bytes().startswith(b"\xef\xbb\xbf")
    assert "进线时间" in files_of(autumn, "contacts")[0].read_text(encoding="utf-8").split("\n")[0]


def test_every_header_is_a_canonical_name_or_alias(autumn) -> None:
    for f in autumn.files:
        if f.path.suffix == ".xlsx":
            sheet = openpyxl.load_workbook(f.path, read_only=True).worksheets[0]
            header = [str(c) for c in next(sheet.iter_rows(values_only=True))]
        else:
            encoding = "gbk" if f.path.name == "工单.csv" else "utf-8-sig"
            header = f.path.read_bytes().decode(encoding).split("\n")[0].split(",")
        spec = TABLES[f.table]
        known = {c.name for c in spec.columns} | {a for c in spec.columns for a in c.aliases}
        assert set(header) <= known, (f.path.name, set(header) - known)
        assert len(header) == len(spec.columns)


def test_parquet_layout_is_typed_and_zoned(tmp_path: Path) -> None:
    s = generate(
        tmp_path, agents=12, months=1, seed=SEED, start="2026-10", fmt=ExportFormat.parquet
    )
    contacts = pq.read_table(files_of(s, "contacts")[0])
    assert contacts.schema.field("offered_at").type.tz == "Asia/Shanghai"
    first = contacts.column("offered_at")[0].as_py()
    # Wall-clock October in Shanghai, whatever the zone it is read in.
    assert first.utcoffset() == timedelta(hours=8)
    assert first.month == 10


def test_every_agent_in_the_facts_is_in_the_roster(autumn) -> None:
    roster = set(column(autumn, "agents", "agent_id"))
    for table in TABLES:
        if table == "agents":
            continue
        ids = {a for a in column(autumn, table, "agent_id") if a}
        # KF99999 is one of the deliberate dirty rows (an unknown agent).
        assert ids - roster <= {"KF99999"}, table
    raters = {r for r in column(autumn, "ratings", "rater_id") if r.startswith("KF")}
    assert raters <= roster


def test_roster_has_team_moves_leavers_and_new_hires(autumn) -> None:
    agents = read_export(files_of(autumn, "agents")[0]).to_pylist()
    per_agent = Counter(a["agent_id"] for a in agents)
    assert len(per_agent) == 12
    movers = [a for a, n in per_agent.items() if n == 2]
    assert movers
    for mover in movers:
        rows = [r for r in agents if r["agent_id"] == mover]
        assert rows[1]["valid_from"] > rows[0]["valid_from"]
        assert rows[1]["team"] != rows[0]["team"]
    assert any(r["leave_date"] for r in agents)
    assert any(r["hire_date"] >= "2026-10-01" for r in agents)
    assert len({r["team"] for r in agents}) == 2
    assert {r["site"] for r in agents} == {"武汉", "成都"}


def test_default_centre_has_twelve_teams_on_two_sites() -> None:
    start, end = np.datetime64("2026-09-01"), np.datetime64("2026-12-01")
    roster = gen.build_roster(120, start, end, SEED)
    assert len(roster.team_name) == 12
    assert set(roster.team_site) == {"武汉", "成都"}
    assert len(set(roster.supervisor_id)) == 12
    assert roster.gaming.sum() == 2


def test_11_11_peak_is_visible_in_volume(contact_rows) -> None:
    daily = Counter(r["offered_at"][:10] for r in contact_rows if r["offered_at"])
    october = [n for day, n in daily.items() if day.startswith("2026-10")]
    assert len(october) == 31
    assert daily["2026-11-11"] > 1.5 * (sum(october) / 31)


def test_11_11_peak_is_visible_in_waits_abandons_and_complaints(autumn, contact_rows) -> None:
    rows = [r for r in contact_rows if r["contact_id"] and r["offered_at"][:4] == "2026"]

    def phone_day(day: str) -> list[dict]:
        return [r for r in rows if r["offered_at"].startswith(day) and r["channel"] == "电话"]

    def mean_wait(day: str) -> float:
        waits = [
            (_ts(r["answered_at"]) - _ts(r["offered_at"])).total_seconds()
            for r in phone_day(day)
            if r["answered_at"] and r["direction"] == "呼入"
        ]
        return sum(waits) / len(waits)

    def abandon_share(day: str) -> float:
        calls = [r for r in phone_day(day) if r["direction"] == "呼入"]
        return sum(1 for r in calls if not r["agent_id"]) / len(calls)

    assert mean_wait("2026-11-11") > 2 * mean_wait("2026-10-14")
    assert abandon_share("2026-11-11") > 2 * abandon_share("2026-10-14")
    complaints = Counter(t[:10] for t in column(autumn, "complaints", "received_at"))
    peak = sum(complaints[f"2026-11-{d}"] for d in (11, 12, 13)) / 3
    october = sum(n for day, n in complaints.items() if day.startswith("2026-10")) / 31
    assert peak > 2 * october


def test_contacts_are_internally_consistent(autumn, contact_rows) -> None:
    rows = contact_rows
    dirty = {r["contact_id"] for r in rows if r["contact_id"] and r["contact_id"][9:] > "99999"}
    clean = [r for r in rows if r["contact_id"] and r["contact_id"] not in dirty]
    assert len(dirty) == 4  # and one dirty row without an id
    for r in clean:
        offered, ended = _ts(r["offered_at"]), _ts(r["ended_at"])
        if r["answered_at"] is None:  # abandoned: nobody took it
            assert r["agent_id"] is None and r["talk_seconds"] is None
            assert ended > offered
            continue
        answered = _ts(r["answered_at"])
        assert offered <= answered <= ended
        if r["channel"] != "邮件":
            talk_and_hold = int(r["talk_seconds"]) + int(r["hold_seconds"])
            assert (ended - answered).total_seconds() == talk_and_hold
    channels = Counter(r["channel"] for r in clean)
    assert set(channels) == {"电话", "在线", "邮件"}
    assert channels["电话"] > channels["在线"] > channels["邮件"]
    assert {r["category"] for r in clean} == {"查件", "催件", "改址", "寄件", "理赔", "投诉"}
    assert any(r["direction"] == "呼出" for r in clean)
    assert any(r["transferred"] == "是" for r in clean)
    assert any(r["resolved"] == "否" for r in clean)
    hours = Counter(int(r["offered_at"][11:13]) for r in clean if r["channel"] == "电话")
    assert min(hours) >= 8 and max(hours) <= 21


def test_customers_repeat_about_the_same_waybill_within_48_hours(autumn, contact_rows) -> None:
    seen: dict[tuple[str, str], datetime] = {}
    repeats = 0
    rows = contact_rows
    for r in sorted((r for r in rows if r["customer_id"] and r["waybill_no"]),
                    key=lambda r: r["offered_at"]):  # fmt: skip
        key = (r["customer_id"], r["waybill_no"])
        t = _ts(r["offered_at"])
        if key in seen and t - seen[key] <= timedelta(hours=48):
            repeats += 1
        seen[key] = t
    assert 0.05 < repeats / len(rows) < 0.3


def test_gaming_agents_have_clusters_of_very_short_calls(autumn, contact_rows) -> None:
    short: Counter[str] = Counter()
    calls: Counter[str] = Counter()
    for r in contact_rows:
        if r["channel"] == "电话" and r["talk_seconds"] and r["talk_seconds"].isdigit():
            calls[r["agent_id"]] += 1
            short[r["agent_id"]] += int(r["talk_seconds"]) < 10
    shares = sorted((short[a] / calls[a] for a in calls), reverse=True)
    # One gaming agent in a dozen cuts about a third of its calls; the others almost never.
    assert shares[0] > 0.2
    assert shares[1] < 0.02


def test_tickets_have_sla_due_dates_some_late_some_open(autumn) -> None:
    tickets = read_export(files_of(autumn, "tickets")[0]).to_pylist()

    def ts(text: str) -> datetime:
        return datetime.strptime(text, "%Y/%m/%d %H:%M:%S")

    claims = [t for t in tickets if t["category"] == "理赔" and t["due_at"]]
    assert claims
    assert all(ts(t["due_at"]) - ts(t["created_at"]) == timedelta(hours=72) for t in claims)
    closed = [t for t in tickets if t["closed_at"] and t["due_at"]]
    late = [t for t in closed if ts(t["closed_at"]) > ts(t["due_at"])]
    assert 0 < len(late) < len(closed) / 2
    assert any(t["closed_at"] is None for t in tickets)
    assert any(t["contact_id"] for t in tickets) and any(not t["contact_id"] for t in tickets)


def test_qa_surveys_complaints_and_hr_records_look_real(autumn) -> None:
    qa = read_export(files_of(autumn, "qa_evaluations")[0]).to_pylist()
    # About five audits per agent per month.
    assert 4 * 12 * 2 * 0.5 < len(qa) < 5 * 12 * 2 * 1.6
    surveys = read_export(files_of(autumn, "surveys")[0]).to_pylist()
    csat = Counter(s["csat"] for s in surveys if s["csat"])
    assert {"1", "2", "3", "4", "5"} <= set(csat)
    assert any(s["comment"] for s in surveys if s["csat"] in ("1", "2"))
    complaints = read_export(files_of(autumn, "complaints")[0]).to_pylist()
    causes = Counter(c["cause"] for c in complaints)
    assert causes["非客服原因"] > sum(causes.values()) / 2
    statuses = {c["status"] for c in complaints if c["attributed"] == "是"}
    assert {"成立", "不成立", "申诉撤销", "处理中"} <= statuses
    ratings = read_export(files_of(autumn, "ratings")[0]).to_pylist()
    assert {r["rater_role"] for r in ratings} == {"supervisor", "peer", "self"}
    assert all(r["scale"] == "5" for r in ratings if r["rater_role"] == "peer")
    training = read_export(files_of(autumn, "training")[0]).to_pylist()
    assert any(t["attended"] == "false" for t in training if t["required"] == "true")
    assert any(t["required"] == "false" for t in training)
    items = read_export(files_of(autumn, "improvement_items")[0]).to_pylist()
    assert any(i["completed_on"] and i["completed_on"] > i["due_on"] for i in items) or any(
        i["completed_on"] is None for i in items
    )


def test_dirty_rows_are_slipped_into_the_first_month(autumn) -> None:
    dirty = {f.path.name: f.dirty for f in autumn.files if f.dirty}
    assert dirty == {
        "通话记录_2026-10.csv": 5,
        "满意度评价.csv": 4,
        "质检记录.xlsx": 2,
        "投诉.csv": 1,
    }
    contacts = read_export(files_of(autumn, "contacts")[0]).to_pylist()
    assert any(r["offered_at"] == "2026-10-31 25:10:00" for r in contacts)
    assert any(
        r["answered_at"] and r["offered_at"][:4] == "2026" and r["answered_at"] < r["offered_at"]
        for r in contacts
    )
    assert any(r["contact_id"] is None for r in contacts)
    surveys = read_export(files_of(autumn, "surveys")[0]).to_pylist()
    assert any(s["csat"] == "7" for s in surveys)
    assert any(s["agent_id"] is None for s in surveys)
    qa = read_export(files_of(autumn, "qa_evaluations")[0]).to_pylist()
    assert any(int(q["info_correct"]) > int(q["info_checked"]) for q in qa)


def test_contacts_are_written_one_day_at_a_time(tmp_path: Path, monkeypatch) -> None:
    """Memory stays bounded: each write is one day, and pending repeats stay within 4 days."""
    from kefu.demo import contacts as contacts_module
    from kefu.demo.exports import ExportWriter

    written: list[int] = []
    real_write = ExportWriter.write

    def spy(self, columns):  # type: ignore[no-untyped-def]
        if self.layout.table == "contacts":
            days = {str(t)[:10] for t in columns["offered_at"].to_pylist()}
            assert len(days) == 1
            written.append(len(columns["offered_at"]))
        real_write(self, columns)

    horizons: list[float] = []
    real_day = contacts_module.ContactGenerator.day

    def day(self, d):  # type: ignore[no-untyped-def]
        out = real_day(self, d)
        if len(self.pending.offered):
            end = out.offered.max()
            horizons.append((self.pending.offered.max() - end) / 86_400)
        return out

    monkeypatch.setattr(ExportWriter, "write", spy)
    monkeypatch.setattr(contacts_module.ContactGenerator, "day", day)
    generate(tmp_path, agents=12, months=1, seed=SEED, start="2026-11")
    assert len(written) == 30
    assert max(horizons) <= 4 + 1


def test_benchmark_contacts_file_has_the_asked_size(tmp_path: Path) -> None:
    path = tmp_path / "contacts_gbk.csv"
    rows = write_contacts(path, agents=3, month="2026-10", encoding="gbk")
    # 3,000 contacts per agent per month (repeats and weekends make it approximate).
    assert 0.8 * 9000 < rows < 1.2 * 9000
    text = path.read_bytes().decode("gbk")
    assert text.count("\n") == rows + 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"agents": 0}, "--agents"),
        ({"months": 0}, "--months"),
        ({"seed": -1}, "--seed"),
        ({"start": "2026-13"}, "--start"),
        ({"start": "2026-Q4"}, "--start"),
    ],
)
def test_bad_options_are_usage_errors(tmp_path: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        generate(tmp_path, **kwargs)
