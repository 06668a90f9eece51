"""The web application: server-rendered pages and the JSON API (``create_app``)."""
