"""Notifications where people already are: 企业微信, 钉钉 and 飞书 groups, e-mail, in-app.

Changes write events to an outbox in their own transaction
(:mod:`kefu.store.notices`); :mod:`kefu.notify.planning` turns each into
deliveries by the rules of :mod:`kefu.notify.routing`; :mod:`kefu.notify.sender`
delivers them with retries, exponential backoff and dead letters, safe
against kills (its docstring says exactly what is guaranteed).
"""
