"""``/api/v1/scorecards``: versions, validation, activation and target suggestions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from kefu.web.api.results_schemas import (
    ScorecardCreate,
    ScorecardDetailPublic,
    ScorecardIssuesBody,
    ScorecardVersionPublic,
    SuggestionsPublic,
    invalid_scorecard,
)
from kefu.web.api.schemas import BAD_REQUEST, ERRORS
from kefu.web.deps import CentreUser, Ws
from kefu.web.params import IdPath
from kefu.web.views import operations

router = APIRouter(prefix="/scorecards", tags=["scorecards"], responses={**ERRORS, **BAD_REQUEST})


@router.get("", response_model=list[ScorecardVersionPublic], summary="Scorecard versions")
def list_versions(ws: Ws, user: CentreUser) -> list[ScorecardVersionPublic]:
    return operations.list_versions(ws)


@router.get(
    "/suggestions", response_model=SuggestionsPublic, summary="Targets suggested from history"
)
def suggestions(
    ws: Ws, user: CentreUser, months: Annotated[int, Query(ge=1, le=36)] = 6
) -> SuggestionsPublic:
    return SuggestionsPublic(**operations.target_suggestions(ws, months))


@router.get("/{version_id}", response_model=ScorecardDetailPublic, summary="One version")
def get_version(version_id: IdPath, ws: Ws, user: CentreUser) -> ScorecardDetailPublic:
    v = operations.get_version(ws, version_id)
    active = operations.active_hashes(ws)
    return ScorecardDetailPublic(
        **operations.version_dict(v, active).model_dump(), content=v.content
    )


@router.post(
    "",
    response_model=ScorecardVersionPublic,
    status_code=201,
    summary="Add a scorecard version (422 lists every issue with its key path)",
    responses={422: {"model": ScorecardIssuesBody, "description": "The scorecard's issues"}},
)
def add_version(
    body: ScorecardCreate, ws: Ws, user: CentreUser
) -> ScorecardVersionPublic | JSONResponse:
    created, issues = operations.add_version(ws, user, body.content)
    if created is None:
        return invalid_scorecard(issues)
    if body.activate:
        created = operations.activate_version(ws, user, created.id)
    return created


@router.post(
    "/{version_id}/activate",
    response_model=ScorecardVersionPublic,
    summary="Make a version the one scoring uses",
)
def activate(version_id: IdPath, ws: Ws, user: CentreUser) -> ScorecardVersionPublic:
    return operations.activate_version(ws, user, version_id)
