"""Reading a source document for ingestion: a text, Markdown or HTML file in, its clean text out.

HTML goes through trafilatura, which keeps the main text and drops the page around it; text and Markdown are
kept as they are (normalised only), and the page chrome in them (share buttons, newsletter offers, cookie
banners, navigation, contact and "about us" blocks) is marked rather than removed, so that quotes and character
offsets stay those of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from govkg.errors import GovkgError, one_line

__all__ = ["KINDS", "Incoming", "ReadError", "find_chrome", "kind_of", "read_document"]

KINDS = ("text", "markdown", "html")
SUFFIXES = {
    **dict.fromkeys((".txt", ".text"), "text"),
    **dict.fromkeys((".md", ".markdown"), "markdown"),
    **dict.fromkeys((".html", ".htm", ".xhtml"), "html"),
}
SNIFF_BYTES = 1024  # how much of a file without a known suffix is looked at for an HTML opening
MAX_CHROME_WORDS = 25  # a line longer than this is running text, never chrome


@dataclass(frozen=True)
class Incoming:
    """A document read for ingestion."""

    text: str
    kind: str
    title: str | None
    date: str | None
    chrome: tuple[str, ...]


class ReadError(GovkgError):
    """A file that cannot be read as a document (one-line message naming the file)."""


# --- page chrome --------------------------------------------------------------------------------------------

_SOCIAL = r"(?:facebook|twitter|x|linkedin|instagram|youtube|bluesky|mastodon|threads|whatsapp|telegram|e-?mail)"
_SOCIALS = rf"{_SOCIAL}(?:\s*[|,·•/-]?\s*{_SOCIAL})*"


@dataclass(frozen=True)
class _Rule:
    """One kind of page chrome: the whole-line labels it shows, the phrases it writes, whether a trailer follows."""

    label: re.Pattern[str]  # matched against the whole (simplified) line
    phrase: re.Pattern[str] | None  # searched for in a short line
    opens_trailer: bool  # the short lines after it are chrome too (see `_mark_trailers`)


def _rule(labels: str, phrases: str | None = None, *, opens_trailer: bool = True) -> _Rule:
    """A chrome rule from regex alternatives (lower case, straight apostrophes)."""
    label = re.compile(rf"(?:{labels})(?:\s*\(\d+\))?")  # "Ahorrar(0)": a widget's counter
    return _Rule(label, re.compile(phrases) if phrases else None, opens_trailer)


_CHROME_RULES = (
    _rule(  # share and save buttons
        r"partager(?: (?:l'article|cet article|la page|cette page))?|share(?: (?:this|the) (?:article|page|story))?"
        r"|tweet(?:er)?|compartir|teilen|artikel teilen|ahorrar|guardar|compatibilidad|copier le lien|copy link"
        r"|enregistrer|save|merken|envoyer (?:à un ami|par e-?mail)",
        rf"^(?:partager|share|compartir|teilen)(?: (?:sur|on|en|auf|via))?\s*:?\s*{_SOCIALS}$",
    ),
    _rule(r"imprimer(?: (?:l'article|cette page))?|print(?: this (?:page|article))?|drucken|imprimir"),
    _rule(_SOCIALS, r"^(?:suivez-nous|follow us|síguenos|folgen sie uns)\b"),
    _rule(  # newsletter offers
        r"newsletter|lettre d'information|s'abonner|abonnez-vous|s'inscrire|subscribe|sign up"
        r"|(?:newsletter )?abonnieren|suscr[ií]bete|boletín",
        r"^recevez gratuitement\b|\b(?:recevez|inscrivez-vous|abonnez-vous|suivez|subscribe|sign up|join"
        r"|abonnieren|suscr[ií]bete|suscribirse)\b.*\b(?:newsletter|lettre d'information|boletín)\b",
    ),
    _rule(  # spam reassurance under a sign-up form
        r"pas de spam|no spam|kein spam|sin spam",
        r"\b(?:n'apprécions pas|détestons|don't like|do not like|hate|never send|odiamos|hassen)\b.*\bspam\b",
    ),
    _rule(  # cookie banners
        r"cookies?|accepter(?: et fermer| tout| les cookies)?|tout accepter|tout refuser|refuser|personnaliser"
        r"|accept(?: all)?(?: cookies)?|reject all|decline|alle akzeptieren|alle ablehnen|akzeptieren|ablehnen"
        r"|aceptar(?: todo| todas)?|rechazar(?: todo| todas)?|(?:gérer|paramétrer) (?:les )?cookies"
        r"|(?:cookie|cookies) (?:settings|preferences|policy)|politique (?:de|relative aux) cookies",
        r"\b(?:utilise|utilisons|use|uses|verwendet|verwenden|utiliza|utilizamos)\b (?:des |de |)cookies\b",
    ),
    _rule(  # navigation
        r"accueil|menu|home|startseite|inicio|retour en haut(?: de (?:la )?page)?|haut de page|back to top"
        r"|skip to (?:main )?content|aller au contenu(?: principal)?|zum inhalt springen|ir al contenido"
        r"|(?:à )?lire aussi|voir aussi|lire la suite|read more|read also|see also|related(?: articles| stories)?"
        r"|sur le même sujet|articles? similaires|weiterlesen|siehe auch|lee también|leer más|suivant|précédent"
        r"|next|previous",
        r"^(?:(?:à )?lire aussi|voir aussi|read more|read also|see also|lee también|siehe auch)\b"
        r"|^(?:accueil|home|inicio|startseite)\s*[>\u203a»/|]",
    ),
    # A contact heading is chrome, but the lines under it name the publisher, a fact about the document.
    _rule(
        r"contacts?|contactez-nous|nous contacter|contact us|contact details|contact (?:presse|press|media)"
        r"|detalles de contacto|contacto|contáctenos|cont[aá]ctanos|kontakt|coordonnées",
        opens_trailer=False,
    ),
    _rule(r"à propos(?: de nous)?|about(?: us)?|qui sommes-nous|über uns|sobre nosotros|quiénes somos"),
    _rule(  # legal footer
        r"mentions légales|legal notice|imprint|impressum|aviso legal|plan du site|sitemap|mapa del sitio"
        r"|politique de confidentialité|privacy policy|datenschutz(?:erklärung)?|política de privacidad"
        r"|accessibilité|accessibility|barrierefreiheit|accesibilidad",
        r"tous droits réservés|all rights reserved|alle rechte vorbehalten|todos los derechos reservados"
        r"|^©|^copyright\b",
    ),
)

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_WORDLIKE = re.compile(r"\w")
_DECORATION = re.compile(r"^[\s#>*+•·-]+|[*_`]+")


def _simplified(line: str) -> str:
    """A line reduced for matching: Markdown links and marks, bullets, case and end punctuation gone."""
    line = _DECORATION.sub("", _MD_LINK.sub(r"\1", line.replace("\u2019", "'")))
    return " ".join(line.split()).strip(" :.!…\u203a»→>|").lower()


def _chrome_rule(line: str) -> _Rule | None:
    """The chrome rule a short line matches, if any."""
    plain = _simplified(line)
    if not plain or len(plain.split()) > MAX_CHROME_WORDS:
        return None
    for rule in _CHROME_RULES:
        if rule.label.fullmatch(plain) or (rule.phrase and rule.phrase.search(plain)):
            return rule
    return None


def _chrome_lines(lines: list[str], trailers: bool = True) -> list[bool]:
    """Which lines are chrome: each matching line, and (if `trailers`) the trailers after the last long line."""
    rules = [_chrome_rule(line) for line in lines]
    flags = [rule is not None for rule in rules]
    opens = [rule is not None and rule.opens_trailer for rule in rules]
    long_lines = [i for i, line in enumerate(lines) if len(line.split()) > MAX_CHROME_WORDS]
    if trailers and long_lines:  # a trailer follows running text; a document of short lines only has none
        _mark_trailers(lines, opens, flags, long_lines[-1] + 1)
    return flags


def _mark_trailers(lines: list[str], opens: list[bool], flags: list[bool], start: int) -> None:
    """Flag trailers from line `start` on: a chrome line opens one, a paragraph break then plain text ends it."""
    opened = broken = False
    for i in range(start, len(lines)):
        if not _WORDLIKE.search(lines[i]):  # a blank line or a rule (---) leaves a trailer open
            broken = broken or not lines[i].strip()
            flags[i] = opened and bool(lines[i].strip())
            continue
        # A paragraph break before text that is not chrome itself ends the trailer: a news page's last short
        # paragraph often sits below a share button.
        opened = (opened and (flags[i] or not broken)) or opens[i]
        flags[i] = flags[i] or opened
        broken = False


def _chrome_runs(lines: list[str], flags: list[bool]) -> list[tuple[int, int]]:
    """Runs (first, last) of chrome lines, joined across the blank lines between them."""
    runs: list[tuple[int, int]] = []
    for i, flag in enumerate(flags):
        if not flag:
            continue
        if runs and not any(line.strip() for line in lines[runs[-1][1] + 1 : i]):
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def find_chrome(text: str) -> tuple[str, ...]:
    """The page-chrome passages of `text`, in order, each an exact substring made of whole lines."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    runs = _chrome_runs(lines, _chrome_lines(lines))
    return tuple(text[starts[first] : starts[last] + len(lines[last])] for first, last in runs)


def _without_chrome(text: str) -> str:
    """`text` with its chrome lines dropped, trailers left alone."""
    lines = text.split("\n")
    # Extracted HTML has one paragraph a line and no blank lines, so a trailer could not end before a short
    # last paragraph kept under a share button; the page's own trailer is gone already.
    kept = [line for line, flag in zip(lines, _chrome_lines(lines, trailers=False), strict=True) if not flag]
    return _normalised("\n".join(kept))


# --- reading ------------------------------------------------------------------------------------------------


def _fail(path: Path, why: str) -> ReadError:
    """The error for a file that cannot be read as a document."""
    return ReadError(one_line(f"{path}: {why}"))


def kind_of(path: Path, head: bytes) -> str:
    """The kind of a document: from its suffix, else an HTML opening in its first bytes, else text."""
    if path.suffix.lower() in SUFFIXES:
        return SUFFIXES[path.suffix.lower()]
    start = head[:SNIFF_BYTES].lower()
    return "html" if b"<html" in start or b"<!doctype html" in start else "text"


def _read_bytes(path: Path) -> bytes:
    """The bytes of `path`, or a ReadError saying why not."""
    if path.is_dir():
        raise _fail(path, "is a directory, not a document")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _fail(path, "no such file") from None
    except OSError as error:
        raise _fail(path, f"cannot read: {error.strerror or error}") from None


def _decoded(path: Path, data: bytes) -> str:
    """`data` as UTF-8 text (a byte-order mark dropped)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _fail(path, f"not UTF-8 text (byte {error.start})") from None
    if "\x00" in text:
        raise _fail(path, "binary data, not text")
    return text


def _normalised(text: str) -> str:
    """`text` with \\n line ends, no trailing white space on a line, no blank lines around it, one final \\n."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    body = "\n".join(line.rstrip() for line in lines).strip("\n")
    return body + "\n" if body.strip() else ""


def read_document(path: Path, kind: str | None = None) -> Incoming:
    """Read `path` as a document of `kind` (from the file when None) and return its clean text."""
    data = _read_bytes(path)
    kind = kind or kind_of(path, data[:SNIFF_BYTES])
    if kind not in KINDS:
        raise _fail(path, f"unknown document kind {kind!r} (expected {', '.join(KINDS)})")
    raw = _decoded(path, data)
    if kind == "html":
        return _read_html(path, raw)
    text = _normalised(raw)
    if not text:
        raise _fail(path, "empty document")
    title = _markdown_title(text) if kind == "markdown" else None
    return Incoming(text, kind, title, None, find_chrome(text))


_FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")
_HEADING = re.compile(r"^\s{0,3}# +(.+?)(?:\s+#+)?\s*$")


def _markdown_title(text: str) -> str | None:
    """The text of the first level-one `# ` heading outside code blocks, if any."""
    fenced = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := _HEADING.match(line)):
            return match.group(1).strip() or None
    return None


def _read_html(path: Path, html: str) -> Incoming:
    """The main text, title and date of an HTML page, chrome left by the extractor dropped."""
    try:
        import trafilatura  # imported here: slow to load, and only the `ingest` extra installs it
    except ImportError:
        raise _fail(path, "reading HTML needs trafilatura (pip install 'govkg[ingest]')") from None
    # No `deduplicate`: its cache of seen paragraphs is global, so the fourth read of one page comes out empty.
    extracted = trafilatura.extract(
        html, output_format="txt", include_comments=False, include_tables=True, favor_precision=True
    )
    text = _without_chrome(_normalised(extracted or ""))
    if not text:
        raise _fail(path, "no article text found")
    # extensive=False: a date from the page's metadata only, not one guessed from the article's text
    metadata = trafilatura.extract_metadata(html, extensive=False)
    return Incoming(text, "html", metadata.title or None, _iso_date(metadata.date), ())


def _iso_date(value: str | None) -> str | None:
    """`value` if it is an ISO calendar date (YYYY-MM-DD), else None."""
    try:
        return date.fromisoformat(value).isoformat() if value and len(value) == 10 else None
    except ValueError:
        return None
