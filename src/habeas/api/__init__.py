"""The HTTP API: thin FastAPI routers over the service object (docs/api.md)."""

from habeas.api.app import create_app

__all__ = ["create_app"]
