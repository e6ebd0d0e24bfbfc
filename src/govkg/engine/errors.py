"""The engine layer's errors: one type, `EngineError`, and the kinds of query it refuses."""

from __future__ import annotations

from collections.abc import Mapping

from govkg.errors import GovkgError

__all__ = [
    "AnswerTooLarge",
    "EngineError",
    "QuerySyntaxError",
    "Unrepresentable",
    "UpdateRefused",
    "check_rows",
    "rejected",
]


class EngineError(GovkgError):
    """A query the engine refused or could not evaluate; the message is one line."""


class QuerySyntaxError(EngineError):
    """A query that does not parse (an unknown prefix included), with where the parser stopped."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line, self.column = line, column

    def __reduce__(self) -> tuple[type[QuerySyntaxError], tuple[str, int | None, int | None]]:
        """Pickled whole: a query worker raises it for the server."""
        return type(self), (str(self), self.line, self.column)


class AnswerTooLarge(EngineError):
    """An answer past a configured limit on its rows or bytes (it is never cut short silently)."""


class Unrepresentable(EngineError):
    """An answer holding terms the asked-for format cannot express (RDF 1.2 triple terms in JSON-LD 1.1)."""


class UpdateRefused(EngineError):
    """A SPARQL Update where a query was expected: the engines are read-only."""


def rejected(text: str, prefixes: Mapping[str, str], fallback: str) -> EngineError:
    """The error for a query an engine's parser rejected, explained in words (govkg.engine.syntax)."""
    from govkg.engine import syntax  # here, not at the top: syntax reads the guard, whose errors are these

    problem = syntax.diagnose(text, prefixes, fallback=fallback)
    if problem.kind == "update":
        return UpdateRefused(problem.message)
    return QuerySyntaxError(problem.message, problem.line, problem.column)


def check_rows(count: int, limit: int) -> None:
    """AnswerTooLarge when an answer has more than `limit` rows."""
    if count > limit:
        raise AnswerTooLarge(
            f"the answer has more than this endpoint's limit of {limit:,} rows; page it with LIMIT and OFFSET"
        )
