"""Forms that are refused come back filled, with the reason in the page's language."""

from __future__ import annotations

from fastapi import Request

from kefu.errors import KefuError
from kefu.users.roles import Principal
from kefu.web.templating import translator


def error_text(request: Request, user: Principal | None, error: KefuError | None) -> str | None:
    """The refusal as the page shows it: the catalogue's sentence when it has one."""
    if error is None:
        return None
    if error.key:
        return translator(request, user)(error.key, **error.params)
    return translator(request, user)("trust.refused", reason=error.message)
