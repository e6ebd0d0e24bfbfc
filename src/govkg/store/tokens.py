"""Bearer tokens for writes (RFC 6750): several, each with a name for the audit log, compared in constant time.

A token file holds one `name token` (or `name:token`) per line; `#` starts a comment. Names are what the audit
record says wrote a change, so they are kept to letters, digits, `.`, `_` and `-`.
"""

from __future__ import annotations

import hmac
import re
from pathlib import Path

from govkg.store.errors import StoreError

__all__ = ["Tokens"]

NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")
MIN_TOKEN = 16  # characters: a shorter token is refused at start, it would be guessable


class Tokens:
    """The accepted tokens, by name."""

    def __init__(self, pairs: dict[str, str]) -> None:
        self._pairs = {name: token.encode() for name, token in pairs.items()}

    @classmethod
    def parse(cls, text: str) -> Tokens:
        """Tokens from `name token` lines (or `name:token` items separated by whitespace, as an environment
        variable gives them); StoreError for a bad name, a short token or a name given twice."""
        pairs: dict[str, str] = {}
        for item in _items(text):
            name, _, token = item.partition(":") if ":" in item and " " not in item else item.partition(" ")
            name, token = name.strip(), token.strip()
            if not NAME.fullmatch(name) or len(token) < MIN_TOKEN or name in pairs:
                raise StoreError(
                    f"bad write token entry for {name[:64]!r}: a name, then a token of {MIN_TOKEN}+ characters"
                )
            pairs[name] = token
        return cls(pairs)

    @classmethod
    def read(cls, path: Path) -> Tokens:
        """Tokens from a file (see `parse`)."""
        try:
            return cls.parse(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise StoreError(f"cannot read the token file {path}: {error.strerror}") from None

    def __bool__(self) -> bool:
        return bool(self._pairs)

    def who(self, authorization: str | None) -> str | None:
        """The name of the token an `Authorization: Bearer …` header carries, or None; every token is compared
        (in constant time), so the time taken says nothing of which one nearly matched."""
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            return None
        offered, found = given.strip().encode(), None
        for name, token in self._pairs.items():
            if hmac.compare_digest(offered, token):
                found = name
        return found


def _items(text: str) -> list[str]:
    """Lines without comments; a single line of `name:token` items is split on whitespace."""
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) == 1 and ":" in lines[0]:
        return lines[0].split()
    return lines
