"""RDF/XML entity bombs refused before Oxigraph reads them. Oxigraph expands a document's internal entities without
a limit: 1 kB of nested declarations ("billion laughs") becomes gigabytes of one literal in memory. So a document
that declares an entity is read first by Expat, which refuses one whose entities amplify it past its limit (Expat
2.4+: beyond 8 MiB of expansion, more than 100 times the input) and loads no external entity or DTD; a document
that declares entities and is not well-formed XML is refused too (Oxigraph takes a DOCTYPE anywhere, even inside
the root element, where no XML parser would look for one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO
from xml.parsers import expat

from govkg.engine.errors import EngineError
from govkg.errors import one_line

__all__ = ["check"]

DECLARATION = b"<!ENTITY"  # the only spelling Oxigraph reads (it ignores `<!entity`)
CHUNK = 1 << 20


def check(opened: Callable[[], IO[bytes]]) -> None:
    """EngineError if the document `opened()` reads declares entities and Expat refuses it (see the module)."""
    with opened() as stream:
        if not _declares(stream):
            return
    with opened() as stream:
        try:
            expat.ParserCreate().ParseFile(stream)
        except expat.ExpatError as error:
            raise EngineError(f"RDF/XML declaring entities refused: {one_line(error)}") from None


def _declares(stream: IO[bytes]) -> bool:
    """Whether an entity declaration occurs anywhere in the stream (read in chunks, never whole)."""
    tail = b""
    while chunk := stream.read(CHUNK):
        if DECLARATION in tail + chunk:
            return True
        tail = chunk[-len(DECLARATION) + 1 :]
    return False
