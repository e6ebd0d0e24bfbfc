"""The root of govkg's errors: every error meant for a person is a `GovkgError` with a one-line message.

Each layer derives its own error type from it (`LoadError`, `EngineError`, `FederationError`, ...), so the command
line has one handler (a one-line message, exit 2) and the web app one handler (a one-line `text/plain` answer whose
status comes from a table keyed by error type, `govkg.web.errors.STATUSES`).
"""

from __future__ import annotations

__all__ = ["MAX_MESSAGE", "GovkgError", "one_line"]

MAX_MESSAGE = 300  # characters of a message taken from a third-party exception


class GovkgError(Exception):
    """An error reported to a person: its message is one line."""


def one_line(error: BaseException | str, limit: int = MAX_MESSAGE) -> str:
    """A message folded onto one line and cut to `limit` characters (the error's type when it has no text)."""
    text = " ".join(str(error).split()) or (type(error).__name__ if isinstance(error, BaseException) else "")
    return text if len(text) <= limit else text[: limit - 1] + "…"
