"""Navigation entries: each page module may declare ``nav = [NavItem(...)]``.

``create_app`` collects them in module order; the base layout shows an entry
only to the roles listed (an empty ``roles`` means every signed-in user).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kefu.users.roles import Principal, Role


@dataclass(frozen=True)
class NavItem:
    label: str  # i18n key, e.g. "nav.home"
    href: str
    roles: frozenset[Role] = frozenset()
    # The entry is highlighted for any path starting with this (default: href).
    active_prefix: str | None = None
    # A count shown beside the label (e.g. unread notifications): f(db session, user).
    badge: Callable[[Any, Principal], int] | None = None

    def visible_to(self, user: Principal) -> bool:
        return not self.roles or user.role in self.roles

    def is_active(self, path: str) -> bool:
        prefix = self.active_prefix or self.href
        return path == prefix if prefix == "/" else path.startswith(prefix)
