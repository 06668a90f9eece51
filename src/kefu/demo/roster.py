"""The demo centre's people: agents in teams (班组) on sites (职场) under supervisors.

Each agent carries latent traits the other generators read: ``skill`` drives
handle time, repeats, QA and satisfaction; ``teamwork`` drives ratings;
``gaming`` marks the few agents who cut calls short to keep handle time low.
Dates are local calendar dates as ``datetime64[D]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kefu.demo.random import Stream, rng
from kefu.demo.vocab import GIVEN, SITES, SURNAMES, cn_number

AGENTS_PER_TEAM = 10


@dataclass(frozen=True)
class Roster:
    agent_id: np.ndarray  # str, one per agent
    name: np.ndarray
    team: np.ndarray  # team index at hire (first assignment)
    hire: np.ndarray  # datetime64[D]
    leave: np.ndarray  # datetime64[D], NaT when still employed
    move_on: np.ndarray  # datetime64[D] of the team move, NaT when none
    move_to: np.ndarray  # team index after the move, -1 when none
    skill: np.ndarray  # latent, standard normal
    teamwork: np.ndarray  # latent, standard normal
    gaming: np.ndarray  # bool
    team_name: np.ndarray  # str, one per team
    team_site: np.ndarray  # str, one per team
    supervisor_id: np.ndarray  # str, one per team

    @property
    def size(self) -> int:
        return len(self.agent_id)

    def active(self, day: np.datetime64) -> np.ndarray:
        """Agents employed on ``day`` (hired on or before it, not yet gone)."""
        gone = ~np.isnat(self.leave) & (self.leave < day)
        return np.flatnonzero((self.hire <= day) & ~gone)

    def team_on(self, day: np.datetime64) -> np.ndarray:
        """Each agent's team index on ``day`` (effective-dated moves)."""
        moved = ~np.isnat(self.move_on) & (self.move_on <= day)
        return np.where(moved, self.move_to, self.team)

    def agents_table(self) -> dict[str, pa.Array]:
        """The agents export: one row per assignment; a move adds a later ``valid_from`` row."""
        first = {
            "agent_id": self.agent_id,
            "name": self.name,
            "team": self.team_name[self.team],
            "site": self.team_site[self.team],
            "supervisor_id": self.supervisor_id[self.team],
            "hire_date": self.hire,
            "leave_date": self.leave,
            "valid_from": self.hire,
        }
        movers = np.flatnonzero(self.move_to >= 0)
        to = self.move_to[movers]
        second = {
            "agent_id": self.agent_id[movers],
            "name": self.name[movers],
            "team": self.team_name[to],
            "site": self.team_site[to],
            "supervisor_id": self.supervisor_id[to],
            "hire_date": self.hire[movers],
            "leave_date": self.leave[movers],
            "valid_from": self.move_on[movers],
        }
        # HR exports list each person's assignments together, in time order.
        order = np.argsort(np.concatenate([np.arange(self.size), movers]), kind="stable")
        out: dict[str, pa.Array] = {}
        for col in first:
            values = np.concatenate([first[col], second[col]])[order]
            if values.dtype.kind == "M":
                out[col] = pa.array(values, pa.date32(), mask=np.isnat(values))
            else:
                out[col] = pa.array(values.astype(str), pa.string())
        return out


def _names(g: np.random.Generator, n: int) -> np.ndarray:
    surname = np.array(list(SURNAMES))[g.integers(0, len(SURNAMES), n)]
    given = np.array(list(GIVEN))
    first = given[g.integers(0, len(given), n)]
    second = given[g.integers(0, len(given), n)]
    two = g.random(n) < 0.7  # most given names have two characters
    return np.char.add(np.char.add(surname, first), np.where(two, second, ""))


def _teams(n: int) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """How many teams ``n`` agents make, each team's site index, name, site and supervisor."""
    # At least two teams once there is a dozen agents, so a team move is possible.
    teams = max(2 if n >= 12 else 1, round(n / AGENTS_PER_TEAM))
    sites = max(1, min(len(SITES), 2 if n <= 2000 else n // 1000))
    sites = min(sites, teams)
    team_site_idx = (np.arange(teams) * sites) // teams
    per_site = np.bincount(team_site_idx, minlength=sites)
    team_no = np.arange(teams) - np.concatenate([[0], np.cumsum(per_site)[:-1]])[team_site_idx]
    team_name = np.array(
        [f"{SITES[s]}{cn_number(k + 1)}组" for s, k in zip(team_site_idx, team_no, strict=True)]
    )
    team_site = np.array([SITES[s] for s in team_site_idx])
    supervisor_id = np.array([f"ZG{k + 1:03d}" for k in range(teams)])
    return teams, team_site_idx, team_name, team_site, supervisor_id


def build_roster(agents: int, start: np.datetime64, end: np.datetime64, seed: int) -> Roster:
    """A roster of ``agents`` people for the local dates ``[start, end)``."""
    g = rng(seed, Stream.ROSTER)
    n = agents
    teams, team_site_idx, team_name, team_site, supervisor_id = _teams(n)

    span = int((end - start).astype(int))
    team = np.sort(np.arange(n) % teams)
    hire = start - g.integers(30, 2500, n).astype("timedelta64[D]")
    leave = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    move_on = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    move_to = np.full(n, -1)

    # A few of each kind of change, at least one each in any centre of a dozen or more.
    order = g.permutation(n)
    k_new, k_leave, k_move = (
        max(1, round(n * share)) if n >= 12 else 0 for share in (0.04, 0.03, 0.04)
    )
    new_hires = order[:k_new]
    leavers = order[k_new : k_new + k_leave]
    movers = order[k_new + k_leave : k_new + k_leave + k_move]
    late = max(span - 10, 6)
    hire[new_hires] = start + g.integers(5, late, len(new_hires)).astype("timedelta64[D]")
    leave[leavers] = start + g.integers(5, late, len(leavers)).astype("timedelta64[D]")
    if teams > 1:
        move_on[movers] = start + g.integers(5, late, len(movers)).astype("timedelta64[D]")
        same_site = [np.flatnonzero(team_site_idx == team_site_idx[team[a]]) for a in movers]
        move_to[movers] = [
            int(g.choice(others)) if len(others) else (team[a] + 1) % teams
            for a, others in ((a, o[o != team[a]]) for a, o in zip(movers, same_site, strict=True))
        ]

    skill = g.normal(0.0, 1.0, n)
    skill[new_hires] -= 0.7  # new hires are still learning
    teamwork = 0.6 * skill + 0.8 * g.normal(0.0, 1.0, n)
    gaming = np.zeros(n, dtype=bool)
    steady = order[k_new + k_leave + k_move :]
    gaming[steady[: max(1, n // 60) if n >= 12 else 0]] = True

    return Roster(
        agent_id=np.array([f"KF{10001 + i}" for i in range(n)]),
        name=_names(g, n),
        team=team,
        hire=hire,
        leave=leave,
        move_on=move_on,
        move_to=move_to,
        skill=skill,
        teamwork=teamwork,
        gaming=gaming,
        team_name=team_name,
        team_site=team_site,
        supervisor_id=supervisor_id,
    )
