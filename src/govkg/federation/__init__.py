"""SPARQL 1.1 Federated Query for govkg: SERVICE may call allowlisted endpoints only, checked before any I/O.

`policy` (the allowlist and its check), `evaluate` (rdflib's evaluation hook: bound joins, SILENT, budgets),
`text` (the query sent for a SERVICE clause), `client` (the strict HTTP client) and `results` (its answers).
"""

from govkg.federation.client import Limits
from govkg.federation.errors import FederationError, HookError, RemoteError, ServiceRefused, TooLarge
from govkg.federation.evaluate import active, check_hooks
from govkg.federation.policy import DEFAULT_ALLOWLIST, Policy, check, normalise, policy

__all__ = [
    "DEFAULT_ALLOWLIST",
    "FederationError",
    "HookError",
    "Limits",
    "Policy",
    "RemoteError",
    "ServiceRefused",
    "TooLarge",
    "active",
    "check",
    "check_hooks",
    "normalise",
    "policy",
]
