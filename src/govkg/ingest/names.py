"""Names as people write them: folding for comparison, articles and elision, readable slugs for new entities."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ARTICLES", "BULLET", "fold", "mint_slug", "strip_article"]

APOSTROPHES = str.maketrans(
    {"’": "'", "\u02bc": "'", "\u2018": "'", "`": "'", "\u2010": "-", "\u2011": "-"}
)  # and hyphens
BULLET = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s+", re.MULTILINE)  # a list item's marker, at a line's start
# Leading articles and elided forms a name may carry in running text ("l'Allemagne", "les États-Unis", "the UK").
ARTICLES = re.compile(r"^(?:(?:les|le|la|the|des|du|de la|de|aux|au|à la)\s+|(?:de l'|à l'|l'|d')\s*)", re.IGNORECASE)


def fold(text: str) -> str:
    """Case-, accent- and apostrophe-insensitive form of `text`, of the same length (offsets carry over)."""
    out = []
    for char in text.translate(APOSTROPHES):
        base = unicodedata.normalize("NFD", char)[0]
        out.append(base.casefold()[:1] or base)
    return "".join(out)


def strip_article(name: str) -> str:
    """`name` without a leading article or elided article ("l'Union européenne" -> "Union européenne")."""
    bare = ARTICLES.sub("", name.translate(APOSTROPHES).strip(), count=1)
    return bare if bare and bare[0].isalnum() else name.strip()


def mint_slug(name: str) -> str:
    """A readable IRI slug for a new entity: article dropped, accents folded, words joined by '-'."""
    ascii_text = unicodedata.normalize("NFKD", strip_article(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]+", "-", ascii_text.lower().replace("'", " ")).strip("-") or "entity"
