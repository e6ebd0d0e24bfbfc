"""The words that signal each relation, in French and English, as tables of patterns over folded text
(lower case, no accents, straight apostrophes: names.fold), so one rule serves both languages."""

from __future__ import annotations

import re

__all__ = [
    "ACT_KINDS",
    "CHAIR",
    "COMMIT",
    "COMPLETE",
    "COUNT",
    "EVENT_HEAD",
    "HOST",
    "INSTRUMENT_HEAD",
    "MEMBER",
    "NEGATION",
    "NOMINAL_ACT",
    "NUMBER_WORDS",
    "OBSERVER",
    "ORGANISATION_HEAD",
    "PARTIAL",
    "RELATIVE_DAY",
    "ROLE_HEAD",
    "WITHDRAW",
    "number",
]  # fmt: skip


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")


# Act kind → (cue, the account's class, the party predicate). Order matters: the first kind found wins.
ACT_KINDS = [
    ("signature", _words(r"sign\w*", r"contresign\w*", r"paraph\w*"), "gk:Signature", "gk:signatory"),
    ("adoption", _words(r"adopt\w*"), "gk:Adoption", "gk:adopter"),
    ("endorsement", _words(r"approuv\w*", r"endoss\w*", r"souscri\w*", r"rallie\w*", r"se rallier", r"adher\w*",
                           r"adhesion", r"endors\w*", r"subscrib\w*", r"accede\w*", r"accession", r"ratifi\w*",
                           r"soutien(?:t|nent|dra|dront)", r"backed", r"support(?:s|ed)"), "gk:Endorsement",
     "gk:endorser"),
]  # fmt: skip
# An act named by its noun ("l'adoption de la résolution"): what follows is the instrument, and the parties too.
NOMINAL_ACT = _words(
    r"(?:l'|la |une )?(?:adoption|signature|approbation|adhesion|ratification)\s+(?:\w+\s+){0,3}?(?:de|du|des|d')",
    r"(?:the )?(?:adoption|signing|signature|endorsement|ratification) (?:\w+ ){0,3}?of",
)
NEGATION = _words(
    r"n'(?:ont|a|avait|avaient|ont toujours|a toujours)\s+pas", r"ne\s+(?:l'|les\s+)?\w+\s+pas", r"ne\s+s'\w+\s+pas",
    r"ne\s+figur\w*\s+pas", r"pas\s+signe\w*", r"refus\w*", r"absten\w*", r"abstien\w*", r"declin\w*",
    r"did\s+not", r"didn't", r"has\s+not", r"have\s+not", r"hasn't", r"haven't", r"not\s+among", r"refus\w*",
    r"abstain\w*", r"withheld", r"stayed\s+out", r"opted\s+out", r"is\s+not\s+a\s+signator\w*", r"n'y\s+\w+\s+pas",
)  # fmt: skip
WITHDRAW = _words(r"retir\w*", r"retrait", r"withdr\w*", r"pull\w* out of", r"quitt\w*")
COMPLETE = _words(
    r"les \d+ \w+ sont", r"sont les suivant\w*", r"a savoir", r"seul\w*", r"liste complete", r"les suivant\w*",
    r"the following", r"namely", r"only", r"full list", r"complete list", r"the (?:\w+ )?signatories are",
    r"les (?:\w+ )?signataires sont",
)  # fmt: skip
PARTIAL = _words(
    r"dont", r"parmi lesquel\w*", r"parmi eux", r"parmi elles", r"notamment", r"y compris", r"entre autres",
    r"tels? que", r"telles? que", r"including", r"among them", r"among others", r"such as", r"notably",
    r"include\w*", r"comprennent", r"incluent", r"figurent notamment",
)  # fmt: skip
MEMBER = _words(
    r"membres? fondat\w*",
    r"membres?",
    r"founding members?",
    r"members?",
    r"rejoin\w*",
    r"rejoint",
    r"admitted",
    r"admis\w*",
    r"admission",
    r"accession",
    r"adhesion",
    r"joined",
    r"joins",
    r"join",
    r"adher\w*",
    r"became the \w+ member",
    r"devenu\w* le \w+ membre",
)
OBSERVER = _words(
    r"observat\w*",
    r"observer\w*",
    r"interess\w*",
    r"interested",
    r"interet",
    r"interest",
    r"pas membres?",
    r"not members?",
)
COMMIT = _words(r"s'engag\w*", r"engag\w* a", r"commit\w* to", r"undertake\w* to", r"pledge\w* to", r"commit:?")
HOST = _words(
    r"accueill\w*",
    r"organis\w* par",
    r"organiz\w* by",
    r"organis\w* by",
    r"hosted by",
    r"host\w*",
    r"preside\w* par",
    r"preside\w*",
    r"chaired by",
    r"convened by",
    r"convoque\w* par",
)
CHAIR = _words(r"co-?organis\w*", r"co-?organiz\w*", r"co-?presid\w*", r"co-?chair\w*", r"co-?host\w*")
RELATIVE_DAY = _words(
    r"ce (?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)",
    r"aujourd'hui",
    r"today",
    r"on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
    r"le meme jour",
    r"the same day",
    r"this week",
    r"cette semaine",
)
ROLE_HEAD = _words(
    r"(?:vice-|premier |premiere |first |deputy |prime )?ministre\w*", r"(?:vice-|deputy |prime )?minister",
    r"(?:vice-)?president\w*", r"secretaire d'etat", r"secretaire general\w*", r"secretary(?:-general| general)?",
    r"(?:deputy |directeur |directrice )?direct(?:eur|rice|or)(?: general\w*| adjoint\w*)?", r"ambassad\w*",
    r"envoye\w*(?: special\w*| thematique)?", r"envoy", r"commissaire", r"commissioner", r"chancel\w*",
    r"chef(?: du gouvernement| de l'etat)?", r"head", r"chair(?:man|woman|person)?", r"ceo",
    r"chief executive", r"porte-parole", r"spokes(?:person|man|woman)", r"deputy director",
)  # fmt: skip
INSTRUMENT_HEAD = _words(
    r"declaration", r"convention(?:-cadre)?", r"charte", r"code", r"pacte", r"accord", r"traite", r"engagements",
    r"principes", r"resolution", r"recommandation", r"feuille de route", r"charter", r"pact", r"treaty",
    r"commitments", r"principles", r"recommendation", r"roadmap", r"pledge", r"statement", r"framework",
    r"initiative", r"processus", r"process", r"rapport", r"report", r"objectifs", r"goals",
)  # fmt: skip
ORGANISATION_HEAD = _words(
    r"reseau", r"network", r"institut", r"institute", r"centre", r"center", r"agence", r"agency", r"observatoire",
    r"observatory", r"partenariat", r"partnership", r"alliance", r"organisation", r"organization", r"conseil",
    r"council", r"commission", r"ministere", r"ministry", r"autorite", r"authority", r"fondation", r"foundation",
    r"laboratoire", r"laboratory", r"office", r"secretariat", r"coalition", r"consortium", r"department",
    r"comite", r"committee", r"groupe", r"group", r"organe", r"body",
)  # fmt: skip
EVENT_HEAD = _words(
    r"sommet",
    r"forum",
    r"conference",
    r"reunion",
    r"assemblee",
    r"summit",
    r"meeting",
    r"assembly",
    r"rencontre",
    r"council",
    r"conseil ministeriel",
    r"ministerial",
    r"dialogue",
    r"congres",
    r"congress",
)
_UNITS = ["zero", "un une one", "deux two", "trois three", "quatre four", "cinq five", "six six", "sept seven",
          "huit eight", "neuf nine", "dix ten", "onze eleven", "douze twelve", "treize thirteen",
          "quatorze fourteen", "quinze fifteen", "seize sixteen", "dix-sept seventeen", "dix-huit eighteen",
          "dix-neuf nineteen"]  # fmt: skip
_TENS = {20: ("vingt", "twenty"), 30: ("trente", "thirty"), 40: ("quarante", "forty"), 50: ("cinquante", "fifty"),
         60: ("soixante", "sixty"), 70: ("soixante-dix", "seventy"), 80: ("quatre-vingt", "eighty"),
         90: ("quatre-vingt-dix", "ninety")}  # fmt: skip


def _number_words() -> dict[str, int]:
    """Number words from one to ninety-nine, in French and English ("vingt-huit", "twenty-eight")."""
    words = {w: n for n, ws in enumerate(_UNITS) for w in ws.split()}
    for tens, (fr, en) in _TENS.items():
        words.update({fr: tens, en: tens, fr + "s" if tens == 80 else fr: tens})
        for unit in range(1, 10):
            fr_unit, en_unit = _UNITS[unit].split()[0], _UNITS[unit].split()[-1]
            joiner = "-et-" if unit == 1 and tens < 80 else "-"
            words[f"{en}-{en_unit}"] = tens + unit
            if tens not in (70, 90):
                words[f"{fr}{joiner}{fr_unit}"] = tens + unit
    for base, fr in ((60, "soixante"), (80, "quatre-vingt")):
        for unit in range(10, 20):
            words[f"{fr}-{_UNITS[unit].split()[0]}"] = base + unit
    return words


NUMBER_WORDS = _number_words()
COUNT = re.compile(
    r"(?<![\w.,-])(\d{1,3}|"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r")\s+(?:des\s+\d+\s+|[\w'-]+\s+)?"
    r"(pays|etats|gouvernements|entreprises|societes|organisations|signataires|parties|delegations|membres|"
    r"developpeurs|countries|states|governments|companies|firms|organi[sz]ations|signatories|parties|members|"
    r"developers|leaders|dirigeants|nations)(?![\w-])"
)


def number(word: str) -> int | None:
    """The integer a digit string or a number word ("quatorze", "seven") stands for."""
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word)
