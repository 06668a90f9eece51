"""A request's session touch is committed before its route runs.

On SQLite the touch (``web_sessions.last_seen_at``) takes the database's write
lock; held for the whole of a slow page (the monitor at 10,000 agents), every
other request's touch waited for it and failed past the busy timeout with
"database is locked".
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import select

from kefu.users.models import WebSession
from kefu.users.roles import Role
from kefu.web.deps import DB, CurrentUser
from tests.web.support import Web


def _can_write(db_path: str) -> bool:
    con = sqlite3.connect(db_path, timeout=0)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.rollback()
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        con.close()


def test_a_due_session_touch_does_not_hold_the_write_lock_while_the_route_runs(web: Web) -> None:
    db_path = web.ws.database_url.removeprefix("sqlite:///")
    seen: list[bool] = []

    def probe(user: CurrentUser, db: DB) -> dict[str, str]:
        db.execute(select(WebSession.user_id)).all()  # a route's first query (autoflushes)
        seen.append(_can_write(db_path))
        return {"user": user.username}

    web.app.add_api_route("/probe-lock", probe, methods=["GET"])
    client = web.login("sup1", Role.supervisor)
    web.clock.advance(seconds=31)  # past the touch interval: this request updates last_seen_at
    response = client.get("/probe-lock")
    assert response.status_code == 200, response.text
    assert seen == [True]
    # And the touch was kept.
    with sqlite3.connect(db_path) as con:
        (last_seen,) = con.execute("SELECT max(last_seen_at) FROM web_sessions").fetchone()
    assert last_seen is not None
