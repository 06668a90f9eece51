"""Role dependencies of the appraisal page families (object rules live in the views).

A role that never has a function gets 403 before anything is read; an object
outside the user's scope is answered with 404 by the view itself.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from kefu.users.roles import Principal, Role
from kefu.web.deps import require_roles

#: Appraisal results: everyone but QA (HR: published runs only).
RESULT_ROLES = (Role.admin, Role.manager, Role.supervisor, Role.agent, Role.hr)
#: Team tables, rankings and the overview: not agents (they see their own sheet only).
TEAM_ROLES = (Role.admin, Role.manager, Role.supervisor, Role.hr)
MONITOR_ROLES = (Role.admin, Role.manager, Role.supervisor)
IMPORT_READ_ROLES = (Role.admin, Role.manager, Role.qa, Role.supervisor)
UPLOAD_ROLES = (Role.admin, Role.manager, Role.qa)
APPLICATION_ROLES = (Role.admin, Role.manager, Role.hr)

ResultsUser = Annotated[Principal, Depends(require_roles(*RESULT_ROLES))]
TeamUser = Annotated[Principal, Depends(require_roles(*TEAM_ROLES))]
MonitorUser = Annotated[Principal, Depends(require_roles(*MONITOR_ROLES))]
ImportReader = Annotated[Principal, Depends(require_roles(*IMPORT_READ_ROLES))]
ImportWriter = Annotated[Principal, Depends(require_roles(*UPLOAD_ROLES))]
ApplicationsUser = Annotated[Principal, Depends(require_roles(*APPLICATION_ROLES))]
AgentUser = Annotated[Principal, Depends(require_roles(Role.agent))]
