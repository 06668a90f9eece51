"""Web settings: passed to ``create_app``; defaults are the safe ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from kefu.store.appdb import utcnow
from kefu.users.sessions import Timeouts
from kefu.users.throttle import ThrottlePolicy

SESSION_COOKIE = "kefu_session"
PRELOGIN_COOKIE = "kefu_prelogin"  # CSRF token for the forms shown before login
LOCALE_COOKIE = "kefu_lang"


@dataclass(frozen=True)
class WebSettings:
    """How the web app behaves; tests inject ``clock`` to move time.

    ``secure_cookies``: None marks cookies ``Secure`` (and sends HSTS) exactly
    when the request arrived over HTTPS (directly or, with ``--proxy-headers``,
    at the proxy); True or False forces it.
    """

    timeouts: Timeouts = field(default_factory=Timeouts)
    throttle: ThrottlePolicy = field(default_factory=ThrottlePolicy)
    secure_cookies: bool | None = None
    hsts_max_age: int = 31_536_000
    clock: Callable[[], datetime] = utcnow
    default_locale: str = "zh-CN"
    # Deliver notifications from a background thread of the server (``kefu serve``).
    notify_sender: bool = False
    # Worker threads (and so concurrent requests and pooled connections); None: the
    # workspace's ``web_threads`` setting.
    threads: int | None = None
    # Run an upload's import before answering instead of on the job thread (tests).
    inline_imports: bool = False
