"""Page routers, one module per page family (see ``kefu.web.app.PAGE_MODULES``)."""
