"""The durable, writable store behind `govkg serve --writable`: changes checked against their would-be result and
committed whole with their audit record (`durable`), the audit graph (`audit`), and the write tokens (`tokens`)."""

from __future__ import annotations

from govkg.store.durable import Delta, DurableStore, Receipt, diff, digest
from govkg.store.errors import ChangeRefused, StoreError
from govkg.store.tokens import Tokens

__all__ = ["ChangeRefused", "Delta", "DurableStore", "Receipt", "StoreError", "Tokens", "diff", "digest"]
