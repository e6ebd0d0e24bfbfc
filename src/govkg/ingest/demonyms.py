"""Demonyms (French and English) → ISO 3166-1 alpha-2, for phrases such as "vice-ministre chinois" or "the Danish
agency": language data, not facts about the world (pycountry has names and codes, not adjectives)."""

from __future__ import annotations

from govkg.ingest.names import fold

__all__ = ["DEMONYMS", "french_forms", "masculine"]

# alpha-2, French masculine singular, English adjective
_TABLE = """
AE émirati Emirati|AR argentin Argentine|AT autrichien Austrian|AU australien Australian|BE belge Belgian
BR brésilien Brazilian|CA canadien Canadian|CH suisse Swiss|CL chilien Chilean|CN chinois Chinese
CO colombien Colombian|CZ tchèque Czech|DE allemand German|DK danois Danish|EE estonien Estonian
EG égyptien Egyptian|ES espagnol Spanish|FI finlandais Finnish|FR français French|GB britannique British
GR grec Greek|HU hongrois Hungarian|ID indonésien Indonesian|IE irlandais Irish|IL israélien Israeli
IN indien Indian|IT italien Italian|JP japonais Japanese|KE kényan Kenyan|KR sud-coréen South-Korean
LU luxembourgeois Luxembourgish|MA marocain Moroccan|MX mexicain Mexican|NG nigérian Nigerian|NL néerlandais Dutch
NO norvégien Norwegian|NZ néo-zélandais New-Zealand|PE péruvien Peruvian|PH philippin Filipino|PL polonais Polish
PT portugais Portuguese|RO roumain Romanian|RU russe Russian|RW rwandais Rwandan|SA saoudien Saudi
SE suédois Swedish|SG singapourien Singaporean|SN sénégalais Senegalese|TR turc Turkish|UA ukrainien Ukrainian
US américain American|VN vietnamien Vietnamese|ZA sud-africain South-African
"""
# French adjective endings and their feminine (the rest add "e"; "-e" stays).
_FEMININE = (("ien", "ienne"), ("éen", "éenne"), ("ec", "ecque"), ("c", "que"), ("e", "e"))


def french_forms(masculine: str) -> set[str]:
    """Masculine, feminine, and their plurals ("chinois" → chinois, chinoise, chinoises)."""
    feminine = next((masculine[: -len(m)] + f for m, f in _FEMININE if masculine.endswith(m)), masculine + "e")
    plural = masculine if masculine.endswith(("s", "x")) else masculine + "s"
    return {masculine, plural, feminine, feminine + "s"}


def _table() -> dict[str, str]:
    out: dict[str, str] = {}
    for entry in _TABLE.replace("\n", "|").split("|"):
        if entry.strip():
            alpha2, french, english = entry.split()
            out.update({fold(form): alpha2 for form in french_forms(french)})
            out[fold(english.replace("-", " "))] = alpha2
    return out


DEMONYMS = _table()
_MASCULINE = {fold(form): french for entry in _TABLE.replace("\n", "|").split("|") if entry.strip()
              for french in [entry.split()[1]] for form in french_forms(french)}  # fmt: skip


def masculine(word: str) -> str:
    """The masculine singular of a French demonym ("chinoise" → "chinois"); other words unchanged."""
    return _MASCULINE.get(fold(word), word)
