"""Storage backends behind one ``Store`` protocol: SQLite (default) and PostgreSQL."""

from habeas.ledger.store.base import Node, Row, Store, Writer
from habeas.ledger.store.url import MEMORY, StoreURL, open_store, parse_store_url

__all__ = ["MEMORY", "Node", "Row", "Store", "StoreURL", "Writer", "open_store",
           "parse_store_url"]
