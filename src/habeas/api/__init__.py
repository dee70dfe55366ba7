"""The HTTP API: thin FastAPI routers over the service object (docs/api.md). The
application that serves them beside the web pages is built in ``habeas.app``."""
