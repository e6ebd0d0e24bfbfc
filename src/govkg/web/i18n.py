"""The interface language: French or English, chosen by `?lang=` (cookie-free, so every page can switch) or else
by Accept-Language (RFC 9110 §12.5.4); interface messages from the tables in `messages/*.json`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from flask import Flask, Response, g, request
from werkzeug.datastructures import LanguageAccept

__all__ = ["LANGUAGES", "Messages", "choose", "keep", "label", "load", "register", "switch"]

LANGUAGES = ("en", "fr")  # the interface languages; the first is the default
PARAMETER = "lang"
PATH_SAFE = "/:@!$&'()*+,;=-._~"  # characters of a request path written back as they are (RFC 3986 pchar and /)
# URLs that never carry the chosen language on: protocol and data endpoints (their URLs are published in the
# service description and VoID) and machine endpoints; every other endpoint is a page a person reads.
MACHINE_BLUEPRINTS = {"sparql", "reconcile"}
MACHINE_ENDPOINTS = {
    "downloads.dump",
    "downloads.graph_store",
    "downloads.direct",
    "meta.context",
    "meta.health",
    "meta.ready",
    "meta.metrics",
    "static",
}
Messages = dict[str, dict[str, str]]  # key → language → text


def load() -> Messages:
    """Every message table of the package, merged; a key defined twice is an error."""
    merged: Messages = {}
    folder = resources.files("govkg.web") / "messages"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        table: Messages = json.loads(entry.read_text("utf-8"))
        twice = sorted(set(table) & set(merged))
        if twice:
            raise ValueError(f"messages/{entry.name} defines {twice[0]!r} again")
        merged.update(table)
    return merged


def choose(given: str | None, accept: LanguageAccept) -> tuple[str, bool]:
    """(language, chosen explicitly): the `lang` parameter if it names one, else the best Accept-Language match."""
    if given in LANGUAGES:
        return given, True
    best = accept.best_match(LANGUAGES, default=LANGUAGES[0])
    return best or LANGUAGES[0], False


def text(messages: Messages, key: str, lang: str, **values: Any) -> str:
    """The message `key` in `lang`, else in the other language, else the key itself; `{name}` filled from values."""
    forms = messages.get(key, {})
    found = forms.get(lang) or next((forms[o] for o in LANGUAGES if forms.get(o)), key)
    return found.format(**values) if values else found


def label(labels: Mapping[str, str], lang: str, fallback: str = "") -> str:
    """A label in `lang`, else in the other interface language, else in any language, else `fallback`."""
    for candidate in (lang, *LANGUAGES, *sorted(labels)):
        if labels.get(candidate):
            return labels[candidate]
    return fallback


def keep(url: str) -> str:
    """`url` with the language parameter when this request chose one explicitly (links stay in the language)."""
    if not getattr(g, "lang_explicit", False) or not url.startswith("/"):
        return url
    return with_lang(url, g.lang)


def with_lang(url: str, lang: str) -> str:
    """`url` with `lang=` set to `lang` (replacing any)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != PARAMETER]
    return urlunsplit(parts._replace(query=urlencode([*query, (PARAMETER, lang)])))


def switch(lang: str) -> str:
    """This page's URL in `lang` (the switch every page shows): the request's path encoded again, from one slash,
    so that nothing sent in it (`//host`, or `/%5Chost`, whose backslash browsers read as a slash) links elsewhere."""
    path = request.script_root + "/" + quote(request.path, safe=PATH_SAFE).lstrip("/")
    return with_lang(f"{path}?{request.query_string.decode()}", lang)


def register(app: Flask) -> None:
    """Choose the language per request, keep it in page links, expose `_()` to templates, vary by it."""
    messages = load()

    @app.before_request
    def _choose() -> None:
        g.lang, g.lang_explicit = choose(request.args.get(PARAMETER), request.accept_languages)

    @app.url_defaults
    def _carry(endpoint: str, values: dict[str, Any]) -> None:
        machine = endpoint.partition(".")[0] in MACHINE_BLUEPRINTS or endpoint in MACHINE_ENDPOINTS
        if not machine and getattr(g, "lang_explicit", False):
            values.setdefault(PARAMETER, g.lang)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        lang = getattr(g, "lang", LANGUAGES[0])
        return {
            "lang": lang,
            "other_lang": LANGUAGES[1 - LANGUAGES.index(lang)],
            "_": lambda key, **values: text(messages, key, lang, **values),
            "pick": lambda labels, fallback="": label(labels, lang, fallback),
            "switch": switch,
            "keep": keep,
        }

    @app.after_request
    def _vary(response: Response) -> Response:
        if response.mimetype == "text/html" and not getattr(g, "lang_explicit", False):
            response.vary.add("Accept-Language")
        return response
