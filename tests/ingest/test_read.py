"""Reading documents for ingestion: HTML through trafilatura, text and Markdown kept with their page chrome marked."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from govkg.extract.annotations import CHROME, read_rows
from govkg.extract.text import Span, locate
from govkg.ingest.read import Incoming, ReadError, find_chrome, kind_of, read_document

HERE = Path(__file__).parent / "read-cases"
ROOT = Path(__file__).resolve().parents[2]
SOURCES, ANNOTATIONS = ROOT / "data" / "sources", ROOT / "data" / "annotations"
LONG = (
    "Les États participants se sont engagés à coopérer étroitement sur la sécurité des modèles d’intelligence "
    "artificielle les plus avancés, en partageant leurs évaluations et leurs méthodes de test."
)


@dataclass(frozen=True)
class Case:
    """A test input file and what reading it must give."""

    file: str
    kind: str
    content: tuple[str, ...]  # in the text, outside every chrome passage
    chrome: tuple[str, ...]  # html: gone from the text; text, markdown: exactly the chrome passages found
    title: str | None = None
    date: str | None = None


CASES = [
    Case(
        "news-fr.html",
        "html",
        content=(
            "Le Comité des ministres du Conseil de l’Europe a adopté vendredi à Strasbourg",
            "Elle impose aux États parties plusieurs obligations :",
            "\n- évaluer les risques et les impacts des systèmes sur les droits humains ;\n",
            "\n- assurer la transparence et le contrôle des systèmes utilisés par les autorités publiques.\n",
            "Le texte sera ouvert à la signature le 5 septembre 2024 à Vilnius.",
            "le traité ne traite pas des cookies publicitaires",
        ),
        chrome=(
            "Nous utilisons des cookies",
            "Tout refuser",
            "Accueil",
            "Nous contacter",
            "Partager",
            "Facebook",
            "Imprimer",
            "newsletter",
            "Lire aussi",
            "À propos de nous",
            "Tous droits réservés",
            "Retour en haut",
        ),
        title="Le Conseil de l’Europe adopte une convention sur l’IA",
        date="2024-05-17",
    ),
    Case(
        "press-release-en.html",
        "html",
        content=(
            "The United Kingdom and Canada today announced a new partnership between their AI safety institutes",
            "\nShared research on frontier models\n",
            "Both governments committed to publishing the results of joint evaluations",
        ),
        chrome=(
            "Skip to content",
            "Home",
            "Contact us",
            "Share this page",
            "Subscribe",
            "spam",
            "Back to top",
            "Crown",
        ),
        title="UK and Canada announce AI safety partnership",
        date="2024-05-20",
    ),
    Case(
        "ministry-page.md",
        "markdown",
        content=(
            "# Lancement de la consultation nationale sur l’IA de confiance\n",
            "## Trois questions soumises au public\n",
            "- Quels usages de l’IA dans les administrations vous paraissent prioritaires ?\n",
            "peuvent prendre contact avec la direction générale des entreprises",
            "Service de presse du ministère : presse@example.gouv.fr",
        ),
        chrome=(
            "[Accueil](https://www.example.gouv.fr/) > [Actualités](https://www.example.gouv.fr/actualites)\n\nMenu",
            "Partager : [Facebook](https://facebook.com/share) [X](https://x.com/share)"
            " [LinkedIn](https://linkedin.com/share)",
            "Imprimer\n\n---\n\nContact",
        ),
        title="Lancement de la consultation nationale sur l’IA de confiance",
    ),
    Case(
        "article-trailer.txt",
        "text",
        content=(
            "OECD updates its AI Principles\n",
            "The revision addresses safety, privacy, intellectual property rights and information integrity",
            "Forty-seven governments adhere to the Principles",
        ),
        chrome=(
            "Read more\nShare\nTweet\nLinkedIn\nSubscribe to our newsletter\nWe never send spam. Unsubscribe at any "
            "time.\nAbout us\nThe Policy Observatory tracks AI policy across the world.\nBack to top",
        ),
    ),
    Case(
        "widget-es.txt",
        "text",
        content=(
            "Déclaration conjointe sur la recherche en intelligence artificielle (Madrid, 14.06.24)",
            "La France et l’Espagne ont signé à Madrid une déclaration conjointe",
            "Les deux pays s’engagent à partager les capacités de calcul de leurs centres nationaux",
            "Ministère de l'Enseignement supérieur et de la Recherche",
        ),
        chrome=(
            "Compatibilidad\nAhorrar(0)\nCompartir",
            "Politique de cookies\nTeilen\n\nDrucken",
            "Detalles de contacto",
        ),
    ),
]


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access while reading a document")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def _inside_chrome(incoming: Incoming, passage: str) -> bool:
    """True if `passage` lies within one of the document's chrome passages."""
    return any(passage in chrome for chrome in incoming.chrome)


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.file)
def test_reads_case(case: Case) -> None:
    incoming = read_document(HERE / case.file)
    assert (incoming.kind, incoming.title, incoming.date) == (case.kind, case.title, case.date)
    for passage in case.content:
        assert passage in incoming.text
        assert not _inside_chrome(incoming, passage), passage
    if case.kind == "html":
        assert incoming.chrome == ()
        for passage in case.chrome:
            assert passage.lower() not in incoming.text.lower(), passage
    else:
        assert incoming.chrome == case.chrome
        assert all(chrome in incoming.text for chrome in incoming.chrome)


@pytest.mark.parametrize("case", [case for case in CASES if case.kind != "html"], ids=lambda case: case.file)
def test_text_and_markdown_are_kept_as_they_are(case: Case) -> None:
    path = HERE / case.file
    assert read_document(path).text == path.read_text(encoding="utf-8")


READABLE = [path for path in sorted(HERE.iterdir()) if path.name != "nav-only.html"]


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("path", [*READABLE, *sorted(SOURCES.glob("*.txt"))], ids=lambda p: p.name)
def test_text_is_normalised(path: Path) -> None:
    text = read_document(path).text
    assert text.endswith("\n") and not text.endswith("\n\n") and not text.startswith("\n")
    assert "\r" not in text
    assert all(line == line.rstrip() for line in text.split("\n"))


def test_line_ends_bom_and_trailing_space_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "dos.txt"
    path.write_bytes("\ufeffTitre\r\nLigne un  \r\nLigne deux\rFin\t".encode())
    assert read_document(path).text == "Titre\nLigne un\nLigne deux\nFin\n"


def test_reading_a_page_again_gives_the_same_text(offline: None) -> None:
    # trafilatura's `deduplicate` remembers paragraphs across calls: a page read a fourth time came out empty.
    texts = {read_document(HERE / "news-fr.html").text for _ in range(5)}
    assert len(texts) == 1


# --- page chrome, line by line -------------------------------------------------------------------------------

CHROME_LINES = [
    "Partager",
    "Partager l’article",
    "Partager sur Facebook",
    "Share",
    "Share on X",
    "Tweet",
    "Compartir",
    "Ahorrar(0)",
    "Compatibilidad",
    "Teilen",
    "Imprimer",
    "Print",
    "Drucken",
    "Facebook",
    "Twitter",
    "X",
    "LinkedIn",
    "Facebook | Twitter | LinkedIn",
    "- [LinkedIn](https://linkedin.com/share)",
    "Recevez gratuitement l'actualité de l'intelligence artificielle",
    "Suivez la Newsletter de référence sur l'intelligence artificielle, quotidienne et gratuite.",
    "Subscribe to our newsletter",
    "Inscrivez-vous à la newsletter",
    "Newsletter abonnieren",
    "Tout comme vous, nous n'apprécions pas le spam.",
    "Cookies",
    "Ce site utilise des cookies pour mesurer l’audience.",
    "We use cookies to improve your experience.",
    "Accepter",
    "Tout refuser",
    "Alle akzeptieren",
    "Accueil",
    "Accueil > Actualités > Europe",
    "Menu",
    "Retour en haut",
    "Back to top",
    "Skip to content",
    "Zum Inhalt springen",
    "Lire aussi",
    "Lire aussi : le sommet de Séoul en cinq points",
    "Read more",
    "Contact",
    "Nous contacter",
    "Detalles de contacto",
    "Kontakt",
    "À PROPOS DE NOUS",
    "About us",
    "Über uns",
    "## Partager",
    "**Imprimer**",
    "© 2024 Actu Numérique. Tous droits réservés.",
]

CONTENT_LINES = [
    "Les États signataires s’engagent à partager leurs évaluations.",
    "Les entreprises peuvent prendre contact avec le ministère avant le 30 juin.",
    "La CNIL publiera des recommandations sur les cookies.",
    "Le ministère publie une newsletter consacrée à l’IA.",
    "Le Seoul AI Business Pledge",
    "intelligence artificielle",
    "Imprimer les rapports d’évaluation sera obligatoire pour les autorités.",
    "Menu des engagements",
    # More than 25 words: running text, whatever it says.
    "Partager les meilleures pratiques en matière de cadres de sécurité, accepter les audits indépendants et "
    "publier les résultats : tels sont les engagements pris à Séoul par les seize entreprises signataires du texte.",
    "Ce site utilise des cookies, a reconnu le ministère, mais les données recueillies ne sont jamais transmises "
    "à des tiers ni utilisées pour entraîner des modèles d’intelligence artificielle, selon le communiqué.",
]


@pytest.mark.parametrize("line", CHROME_LINES)
def test_chrome_line_is_found(line: str) -> None:
    assert find_chrome(f"{LONG}\n\n{line}\n\n{LONG}\n") == (line,)


@pytest.mark.parametrize("line", CONTENT_LINES)
def test_content_line_is_not_chrome(line: str) -> None:
    assert find_chrome(f"{LONG}\n\n{line}\n\n{LONG}\n") == ()


TRAILERS = [
    # (text after a last long paragraph, chrome passages found)
    ("Partager\nmot-clé\nÀ propos\nUn site sur l’IA.", ("Partager\nmot-clé\nÀ propos\nUn site sur l’IA.",)),
    (
        "Newsletter\n\nInscrivez-vous à la newsletter\n\nPas de spam.",
        ("Newsletter\n\nInscrivez-vous à la newsletter\n\nPas de spam.",),
    ),
    ("Partager\n\nLe texte entrera en vigueur en 2026.", ("Partager",)),
    ("Detalles de contacto\nMinistère des Affaires étrangères", ("Detalles de contacto",)),
    ("Share\n\n---\n\nBack to top\nEditor’s picks", ("Share\n\n---\n\nBack to top\nEditor’s picks",)),
]


@pytest.mark.parametrize(("tail", "chrome"), TRAILERS)
def test_trailer_after_the_last_long_line(tail: str, chrome: tuple[str, ...]) -> None:
    assert find_chrome(f"{LONG}\n\n{tail}\n") == chrome


def test_no_trailer_before_the_last_long_line() -> None:
    assert find_chrome(f"{LONG}\nPartager\nmot-clé\n{LONG}\nmot-clé\n") == ("Partager",)


def test_no_trailer_in_a_document_of_short_lines() -> None:
    assert find_chrome("Titre\nPartager\nUne ligne courte.\nUne autre.\n") == ("Partager",)


def test_chrome_lines_are_dropped_from_html_but_a_trailer_is_not(tmp_path: Path, offline: None) -> None:
    paragraph = f"<p>{LONG}</p>"
    page = tmp_path / "page.html"
    page.write_text(f"<html><body><article>{paragraph}<p>Partager</p><p>Fin de l’article.</p></article></body></html>")
    assert read_document(page).text == f"{LONG}\nFin de l’article.\n"


# --- the corpus -----------------------------------------------------------------------------------------------


def _source(stem: str) -> Path:
    """The corpus source whose name starts with `stem`."""
    (path,) = SOURCES.glob(f"{stem}_*.txt")
    return path


@pytest.mark.parametrize("stem", ["001", "002"])
def test_corpus_chrome_covers_the_hand_marked_passages(stem: str) -> None:
    path = _source(stem)
    incoming = read_document(path)
    marked = [row.quote for row in read_rows(ANNOTATIONS / f"{path.stem}.tsv") if row.subject == CHROME]
    assert marked
    for passage in marked:
        assert _inside_chrome(incoming, passage), passage


@pytest.mark.parametrize("path", sorted(SOURCES.glob("*.txt")), ids=lambda p: p.name)
def test_corpus_chrome_spares_every_annotated_fact(path: Path) -> None:
    incoming = read_document(path)
    chrome = [Span(incoming.text.index(c), incoming.text.index(c) + len(c)) for c in incoming.chrome]
    for row in read_rows(ANNOTATIONS / f"{path.stem}.tsv"):
        if row.subject != CHROME:
            quoted = locate(incoming.text, row.quote)
            assert not any(quoted.overlaps(span) for span in chrome), row.where()
    assert not any("Dans le cadre de cet engagement volontaire" in c for c in incoming.chrome)


@pytest.mark.parametrize("stem", ["000", "003", "004"])
def test_corpus_documents_without_chrome(stem: str) -> None:
    assert read_document(_source(stem)).chrome == ()


@pytest.mark.parametrize("path", sorted(SOURCES.glob("*.txt")), ids=lambda p: p.name)
def test_corpus_text_is_the_file_but_for_trailing_space(path: Path) -> None:
    original = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    assert read_document(path).text.split("\n")[:-1] == [line.rstrip() for line in original]


# --- kinds, titles, errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "head", "kind"),
    [
        ("a.txt", b"<html><body>", "text"),
        ("a.TEXT", b"", "text"),
        ("a.md", b"# Titre", "markdown"),
        ("a.markdown", b"", "markdown"),
        ("a.html", b"", "html"),
        ("a.HTM", b"", "html"),
        ("a.xhtml", b'<?xml version="1.0"?>', "html"),
        ("page", b"\n  <!DOCTYPE html>\n<html>", "html"),
        ("page.php", b'<?xml version="1.0"?>\n<HTML lang="fr">', "html"),
        ("notes", b"Compte rendu de la reunion", "text"),
        ("a.eml", b"Subject: <b>bold</b>", "text"),
    ],
)
def test_kind_of(name: str, head: bytes, kind: str) -> None:
    assert kind_of(Path(name), head) == kind


def test_html_without_suffix_is_sniffed(tmp_path: Path, offline: None) -> None:
    page = tmp_path / "page"
    page.write_bytes((HERE / "press-release-en.html").read_bytes())
    assert read_document(page).kind == "html"


def test_kind_given_wins(offline: None) -> None:
    as_text = read_document(HERE / "ministry-page.md", kind="text")
    assert (as_text.kind, as_text.title) == ("text", None)
    assert "<article>" in read_document(HERE / "news-fr.html", kind="text").text


@pytest.mark.parametrize(
    ("markdown", "title"),
    [
        ("# Titre\n\nTexte.\n", "Titre"),
        ("Intro.\n\n# Titre fermé ##\n", "Titre fermé"),
        ("```\n# commentaire\n```\n\n# Le vrai titre\n", "Le vrai titre"),
        ("## Sous-titre\n\n#hashtag\n", None),
    ],
)
def test_markdown_title(tmp_path: Path, markdown: str, title: str | None) -> None:
    path = tmp_path / "page.md"
    path.write_text(markdown, encoding="utf-8")
    assert read_document(path).title == title


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    """A file `name` holding `data`."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda tmp: tmp / "absent.txt", "no such file"),
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: _write(tmp, "latin1.txt", "Déclaration de Séoul".encode("latin-1")), "not UTF-8"),
        (lambda tmp: _write(tmp, "utf16.txt", "Déclaration".encode("utf-16")), "not UTF-8"),
        (lambda tmp: _write(tmp, "blank.md", b" \r\n\t\n\n"), "empty document"),
        (lambda tmp: _write(tmp, "nul.txt", b"PK\x00\x03"), "binary"),
        (lambda tmp: _write(tmp, "nav.html", (HERE / "nav-only.html").read_bytes()), "no article text found"),
        (lambda tmp: _write(tmp, "empty.html", b""), "no article text found"),
    ],
    ids=["missing", "directory", "latin-1", "utf-16", "blank", "binary", "nav-only", "empty-html"],
)
def test_unreadable_file(tmp_path: Path, make: Callable[[Path], Path], why: str, offline: None) -> None:
    path = make(tmp_path)
    with pytest.raises(ReadError) as caught:
        read_document(path)
    message = str(caught.value)
    assert why in message and str(path) in message and "\n" not in message


def test_unknown_kind(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", b"Texte.\n")
    with pytest.raises(ReadError, match="unknown document kind 'pdf'"):
        read_document(path, kind="pdf")
