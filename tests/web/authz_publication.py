"""The published / unpublished axis of the authorisation matrix.

The matrix workspace has 2026-09 published and 2026-10 scored but not
published. Agents and HR see published runs only: for every route that shows
appraisal results, the agent asks for their *own* result of each month, and
the answer must be the status below and, for an unpublished month, carry
nothing of the scores. Managers and supervisors see both months.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kefu.users.roles import Role

PUBLISHED = "2026-09"
UNPUBLISHED = "2026-10"


@dataclass(frozen=True)
class PublicationRule:
    published: int
    unpublished: int
    query: dict[str, str] = field(default_factory=dict)


#: Routes showing results, with ``{agent_id}`` filled in with the agent's own id.
PUBLICATION_RULES: dict[str, PublicationRule] = {
    # the page says the month is not published yet, and nothing more
    "/agents/{agent_id}": PublicationRule(200, 200),
    "/agents/{agent_id}/records": PublicationRule(200, 404, {"indicator": "fcr_rate"}),
    "/agents/{agent_id}/records.csv": PublicationRule(200, 404, {"indicator": "fcr_rate"}),
    "/agents/{agent_id}/records.xlsx": PublicationRule(200, 404, {"indicator": "fcr_rate"}),
    "/agents/{agent_id}/sheet.pdf": PublicationRule(200, 404),
    "/api/v1/agents/{agent_id}": PublicationRule(200, 404),
    "/api/v1/agents/{agent_id}/records": PublicationRule(200, 404, {"indicator": "fcr_rate"}),
}

#: The roles limited to published runs, and the roles that see scored months too.
PUBLISHED_ONLY = (Role.agent, Role.hr)
SEES_SCORED = (Role.admin, Role.manager, Role.supervisor)
