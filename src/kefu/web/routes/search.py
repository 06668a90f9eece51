"""Agent search (``/search?q=``): name or 工号, only the agents the user may see.

One exact 工号 goes straight to the agent's appraisal sheet; anything else lists
the matches. The top bar's form (templates/_search.html) posts here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from kefu.web.deps import CurrentUser, Ws, now
from kefu.web.templating import render
from kefu.web.views import pickers
from kefu.workflow.access import today_local

router = APIRouter()
Now = Annotated[datetime, Depends(now)]
#: Longer than any name or 工号; a longer query is simply refused by the bounds check.
SearchQuery = Annotated[str, Query(max_length=100)]


@router.get("/search")
def search_page(
    request: Request, ws: Ws, user: CurrentUser, at: Now, q: SearchQuery = ""
) -> Response:
    day = today_local(ws, at)
    opens_sheet = user.role in pickers.OPENS_SHEET
    if opens_sheet and (exact := pickers.exact_agent(ws, user, q, day)) is not None:
        return RedirectResponse(f"/agents/{quote(exact.agent_id, safe='')}", status_code=303)
    found, total = pickers.find_agents(ws, user, q, day, limit=pickers.PAGE_LIMIT)
    ctx = {"q": q.strip(), "found": found, "total": total, "opens_sheet": opens_sheet}
    return render(request, "search.html", ctx, user=user)
