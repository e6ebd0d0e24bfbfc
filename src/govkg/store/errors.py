"""The store's errors: a change refused (with the HTTP status that fits it), or a store that cannot be used."""

from __future__ import annotations

from govkg.errors import GovkgError

__all__ = ["ChangeRefused", "StoreError"]


class StoreError(GovkgError):
    """A store that cannot be opened or written; the message is one line."""


class ChangeRefused(StoreError):
    """A change that was not made (nothing changed): a bad update (400), a graph that may not be written (403),
    or a would-be result that does not conform to the shapes (422, with the report's lines)."""

    def __init__(self, message: str, status: int = 400, report: list[str] | None = None) -> None:
        super().__init__(message)
        self.status, self.report = status, list(report or [])

    def __reduce__(self) -> tuple[type[ChangeRefused], tuple[str, int, list[str]]]:
        return type(self), (str(self), self.status, self.report)
