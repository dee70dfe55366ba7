"""The shared service: one object behind the HTTP API, the web pages and ``habeas serve``."""

from habeas.service.access import GRANTS, Permission, Principal, Role
from habeas.service.core import DEFAULT, Service

__all__ = ["DEFAULT", "GRANTS", "Permission", "Principal", "Role", "Service"]
