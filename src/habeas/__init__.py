"""Habeas: a custody ledger in which court orders are executable.

The package is layered so that each layer can be trusted on its own:

- ``habeas.ledger``: append-only records, RFC 9162 Merkle tree, signed checkpoints, stores.
- ``habeas.domain``: the vocabulary of custody (people, orders, movements...) as validated models.
- ``habeas.bundle``: case bundles (YAML/JSON) to and from domain objects and ledger records.
- ``habeas.law``: the pure engine (``check``, ``impact``, ``audit``); knows nothing of storage.
- ``habeas.cli``, ``habeas.service``, ``habeas.web``, ``habeas.reports``: thin shells.
"""

__version__ = "0.1.0"
