"""The W3C Reconciliation Service API (0.2) over govkg's entities: the index, matching, suggest and extend.

`index` reads the entities, types and properties from any engine; `service` answers the manifest and
reconciliation queries; `suggest` and `extend` the auto-completion and data extension services; `match` the
label comparison shared with `govkg link`. The wire (routes, forms, statuses) is in `govkg.web.reconcile`.
"""

from govkg.reconcile.index import LANGS, Entity, Index, build
from govkg.reconcile.query import ReconcileError, parse_batch, parse_query
from govkg.reconcile.service import manifest, reconcile

__all__ = ["LANGS", "Entity", "Index", "ReconcileError", "build", "manifest", "parse_batch", "parse_query", "reconcile"]
