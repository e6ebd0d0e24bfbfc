"""The federation layer's error type, `FederationError`, and its kinds."""

from __future__ import annotations

from govkg.errors import GovkgError

__all__ = ["FederationError", "HookError", "RemoteError", "ServiceRefused", "TooLarge"]


class FederationError(GovkgError):
    """A SERVICE call refused or failed, or a foreign evaluation hook; the message is one line."""


class ServiceRefused(FederationError):
    """A SERVICE the policy does not allow, or a query that would call remotes too often."""


class HookError(FederationError):
    """rdflib's global evaluation hooks hold something besides govkg's own."""


class RemoteError(FederationError):
    """A remote endpoint that could not be asked or did not answer with results (never echoes its body)."""


class TooLarge(RemoteError):
    """An answer longer than the bytes the caller would read."""
