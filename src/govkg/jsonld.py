"""JSON-LD: govkg's published @context, and reading JSON-LD without ever fetching a context.

rdflib's JSON-LD parser dereferences every `@context` (or `@import`) IRI it meets, `file:` ones included
(docs/security.md, item 7). govkg parses JSON-LD only after `bundle` has replaced references to its own published
context by the context itself and refused every other remote context, so parsing does no I/O at all.
"""

from __future__ import annotations

import json
from typing import Any

from govkg.errors import GovkgError, one_line
from govkg.namespaces import DEFAULT_BASE, PREFIXES, rebase_iri

__all__ = ["CONTEXT_NAME", "JsonLdError", "bundle", "context", "context_url"]

CONTEXT_NAME = "context.jsonld"


class JsonLdError(GovkgError):
    """JSON-LD that govkg will not read (not JSON, or a remote context); the message is one line."""


def context(base: str = DEFAULT_BASE) -> dict[str, str]:
    """govkg's JSON-LD @context: the prefix map, rebased (every JSON-LD answer is compacted with it)."""
    return {prefix: rebase_iri(iri, base) for prefix, iri in PREFIXES.items()}


def context_url(base: str = DEFAULT_BASE) -> str:
    """The stable URL the context is published at (served locally at /context.jsonld)."""
    return base + CONTEXT_NAME


def bundle(data: bytes | str, base: str = DEFAULT_BASE) -> bytes:
    """The document with govkg's context inlined wherever it is referenced; JsonLdError for any other remote one."""
    try:
        document = json.loads(data)
    except ValueError as error:  # also UnicodeDecodeError
        raise JsonLdError(f"not JSON: {one_line(error)}") from None
    known = {context_url(base): context(base), context_url(DEFAULT_BASE): context(DEFAULT_BASE)}
    return json.dumps(_document(document, known), ensure_ascii=False).encode("utf-8")


def _document(node: Any, known: dict[str, dict[str, str]]) -> Any:
    """Walk a JSON-LD document, resolving every @context in it (JSON-LD 1.1 §3.1 and §4.1)."""
    if isinstance(node, list):
        return [_document(item, known) for item in node]
    if not isinstance(node, dict):
        return node
    literal = "@value" in node and node.get("@type") == "@json"  # a JSON literal's @value is data (§4.2.2)
    return {
        key: value
        if literal and key == "@value"
        else _context(value, known)
        if key == "@context"
        else _document(value, known)
        for key, value in node.items()
    }


def _context(value: Any, known: dict[str, dict[str, str]]) -> Any:
    """A context value with references to known contexts inlined; remote ones refused."""
    if isinstance(value, str):
        if value not in known:
            raise JsonLdError(f"remote JSON-LD context {value[:200]!r} refused: only govkg's bundled context is read")
        return known[value]
    if isinstance(value, list):
        return [_context(item, known) for item in value]
    if isinstance(value, dict):
        return _definitions(value, known)
    return value


def _definitions(definitions: dict[str, Any], known: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A context object: @import (JSON-LD 1.1 §4.1.10) inlined, scoped contexts of its terms resolved."""
    out: dict[str, Any] = {}
    if "@import" in definitions:
        imported = definitions["@import"]
        if not isinstance(imported, str):
            raise JsonLdError("@import must be a string")
        out.update(_context(imported, known))
    for key, value in definitions.items():
        if key == "@import":
            continue
        if key == "@context":
            out[key] = _context(value, known)
        elif isinstance(value, dict) and "@context" in value:
            out[key] = {**value, "@context": _context(value["@context"], known)}
        else:
            out[key] = value
    return out
