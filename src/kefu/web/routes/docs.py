"""The interactive API documentation, from vendored Swagger UI (no CDN)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kefu.web.templating import render

router = APIRouter()


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    return render(request, "api_docs.html", {"schema_url": request.app.openapi_url})
