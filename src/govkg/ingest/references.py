"""How instruments and events relate to others and to actors: launched or presented by an actor (at an event),
and what a text welcomes, takes note of, looks forward to, builds on or refers to. A declaration's "nous" is
the declaration itself, once its preamble has named it."""

from __future__ import annotations

import re

from govkg.ingest import cues
from govkg.ingest.context import Context, Name
from govkg.ingest.facts import Fact

__all__ = ["attributions", "stances"]

_w = cues._words
# cue → (predicate towards the actor, predicate towards the event): "lancée par la Chine lors du Forum"
ATTRIBUTIONS = [
    (_w(r"lanc\w*", r"launch\w*"), "gk:launchedBy", "gk:launchedAt"),
    (_w(r"present\w*", r"devoil\w*", r"unveil\w*"), "gk:presentedBy", "gk:presentedAt"),
]
# cue → what the text (or its subject) does to the instruments and events it names after the cue
STANCES = [
    (_w(r"salu\w*", r"accueill\w* favorablement", r"se felicit\w*", r"welcom\w*"), "gk:welcomes"),
    (_w(r"pren\w* note", r"take\w* note", r"took note", r"note\w* with"), "gk:takesNoteOf"),
    (_w(r"attend\w* avec impatience", r"look\w* forward"), "gk:looksForwardTo"),
    (_w(r"appuy\w* sur", r"building on", r"build\w* on", r"s'inscri\w* dans"), "gk:buildsOnWorkOf"),
    (_w(r"en vue d[ue']", r"fai\w* reference", r"refer\w* to", r"rappel\w*", r"recall\w*"), "gk:refersTo"),
]
_WE = re.compile(r"(?:^|\W)(?:nous|we)\W")
_DURING = re.compile(r"(?:lors d[eu']|en marge d[eu']|pendant|au cours d[eu']|during|at|on the sidelines of)\s*")
_AGENT = re.compile(r"\s*(?:par|by)\s")


def attributions(context: Context) -> None:
    """ "X lancée par A lors de E", "A presented X at E": X gk:launchedBy/presentedBy A, X gk:launchedAt E."""
    for start, end in context.sentences():
        for pattern, by, at in ATTRIBUTIONS:
            for cue in pattern.finditer(context.folded, start, end):
                thing = _thing(context, start, end, cue)
                actor = _actor(context, start, end, cue)
                if thing is None or actor is None:
                    continue
                context.proposal.add(Fact(thing.slug, by, actor.slug, actor.start, actor.end, 0.6, "attribution"))
                for event in _events_at(context, start, end):
                    context.proposal.add(Fact(thing.slug, at, event.slug, event.start, event.end, 0.5, "attribution"))


def _thing(context: Context, start: int, end: int, cue: re.Match[str]) -> Name | None:
    """What was launched or presented: named just before a passive cue ("X, lancée par A"), else just after an
    active one ("A a présenté X")."""
    things = [
        n
        for n in context.names_in(start, end)
        if n.family in ("instrument", "actor") and context.kind_of(n) != "gk:Person"
    ]
    if _AGENT.match(context.folded, cue.end()):
        before = [n for n in things if n.end <= cue.start() and cue.start() - n.end < 4]
        return before[-1] if before else None
    after = [n for n in things if cue.end() <= n.start < cue.end() + 12]
    return after[0] if after else None


def _actor(context: Context, start: int, end: int, cue: re.Match[str]) -> Name | None:
    """Who launched or presented: the agent after "par"/"by", else the actor just before the cue."""
    if agent := _AGENT.match(context.folded, cue.end()):
        found = [n for n in context.names_in(agent.end(), end, "actor") if n.start - agent.end() < 12]
        return found[0] if found else None
    found = [n for n in context.names_in(start, cue.start(), "actor")]
    return found[-1] if found and cue.start() - found[-1].end < 40 else None


def _events_at(context: Context, start: int, end: int) -> list[Name]:
    return [
        e
        for e in context.names_in(start, end, "event")
        if _DURING.search(context.folded[max(start, e.start - 25) : e.start])
    ][:1]


def stances(context: Context) -> None:
    """ "Nous saluons X", "we look forward to Y": the text's instrument (or the clause's actor) and X."""
    for start, end in context.sentences():
        found = sorted(
            (cue.start(), cue.end(), predicate)
            for pattern, predicate in STANCES
            for cue in pattern.finditer(context.folded, start, end)
        )
        for index, (c_start, c_end, predicate) in enumerate(found):
            subject = _stance_subject(context, start, c_start)
            if subject is None:
                continue
            semicolon = context.folded.find(";", c_end, end)
            stop = min([e[0] for e in found[index + 1 :]] + ([semicolon] if semicolon >= 0 else []) + [end])
            targets = [n for n in context.names_in(c_end, stop) if n.family in ("instrument", "event")]
            for target in [n for n in targets if n.slug != subject.slug][:3]:
                fact = Fact(subject.slug, predicate, target.slug, target.start, target.end, 0.5, "stance")
                context.proposal.add(fact)


def _stance_subject(context: Context, start: int, cue: int) -> Name | None:
    """Who welcomes: "nous" in a declaration is the declaration; otherwise the actor just before the cue."""
    if context.own is not None and _WE.search(context.folded[start:cue] + " "):
        return context.own
    actors = [n for n in context.names_in(start, cue, "actor") if context.kind_of(n) != "gk:Person"]
    return actors[-1] if actors and cue - actors[-1].end < 40 else None
