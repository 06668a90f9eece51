"""``/api/v1/agents?q=``: agents by name or 工号, scoped like the search page (typeahead)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from kefu.web.api.schemas import ERRORS
from kefu.web.deps import CurrentUser, Ws, now
from kefu.web.views import pickers
from kefu.workflow.access import today_local

router = APIRouter(tags=["agents"], responses=ERRORS)
Now = Annotated[datetime, Depends(now)]


class AgentMatch(BaseModel):
    agent_id: str = Field(examples=["A001"])
    name: str = Field(examples=["张三"])
    team: str | None = Field(examples=["武汉一组"])


class AgentMatches(BaseModel):
    agents: list[AgentMatch]
    total: int = Field(description="how many agents matched (at most 20 are listed)")


@router.get("/agents", response_model=AgentMatches, summary="Find agents by name or 工号")
def find_agents(
    ws: Ws, user: CurrentUser, at: Now,
    q: Annotated[str, Query(max_length=100, description="part of a name or 工号")] = "",
) -> AgentMatches:  # fmt: skip
    """The agents the caller may see (a supervisor their teams, an agent only
    themself), an exact 工号 first; at most 20."""
    found, total = pickers.find_agents(ws, user, q, today_local(ws, at))
    return AgentMatches(agents=[AgentMatch(**a.public()) for a in found], total=total)
