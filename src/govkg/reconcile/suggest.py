"""Auto-completion for reconciliation clients (Reconciliation API 0.2 §6): entities, types and properties by
prefix, and the properties worth fetching for a type (data extension property proposals, §8.3)."""

from __future__ import annotations

from typing import Any

from govkg.reconcile import labels, match
from govkg.reconcile.index import Index
from govkg.reconcile.query import ALIASES
from govkg.reconcile.service import entity_json, has_types, type_json

__all__ = ["propose_properties", "suggest_entities", "suggest_properties", "suggest_types"]


def suggest_entities(
    index: Index, prefix: str, types: tuple[str, ...], lang: str, page: slice = slice(None)
) -> list[dict[str, Any]]:
    """Entities whose id, label or a word of a label starts with `prefix`, closest first: those of `page` (all by
    default; only those are written out)."""
    found = []
    for key, rank in _entity_ranks(index, prefix).items():
        entity = index.entities[key]
        if not types or has_types(entity, types, "any"):
            found.append((rank, entity.name(lang).casefold(), entity))
    found.sort(key=lambda f: (f[0], f[1], f[2].id))
    return [{**entity_json(e, lang), "notable": [type_json(index, t, lang) for t in e.direct]} for *_, e in found[page]]


def _entity_ranks(index: Index, prefix: str) -> dict[str, int]:
    """The entities `prefix` suggests, by id, with their ranks as `_prefix_rank` gives them, read from the label
    index rather than by comparing every entity."""
    wanted = match.normalise(prefix)
    if not wanted:
        return {key: 0 if key == prefix else 4 for key in index.entities}
    low, high = labels.span(index.ids, prefix.casefold(), key=str.casefold)
    found = (labels.exact(index.labels, wanted), labels.prefix(index.labels, wanted), labels.word(index.labels, wanted))
    ranks = {prefix: 0} if prefix in index.entities else {}
    for rank, slots in enumerate(found):
        for slot in slots:
            ranks.setdefault(index.ids[index.labels.owners[slot]], rank)
    for key in index.ids[low:high]:
        ranks.setdefault(key, 3)
    return ranks


def suggest_types(index: Index, prefix: str, lang: str) -> list[dict[str, Any]]:
    """Types whose id or name starts with `prefix` (French or English), with their broader types."""
    found = []
    for term in index.types.values():
        rank = _prefix_rank(prefix, term.id, list(term.names.values()))
        if rank is not None:
            item = {**type_json(index, term.id, lang), "broader": [type_json(index, b, lang) for b in term.broader]}
            found.append((rank, item["name"].casefold(), _described(item, term.description(lang))))
    return [item for *_, item in sorted(found, key=lambda f: (f[0], f[1], f[2]["id"]))]


def suggest_properties(index: Index, prefix: str, types: tuple[str, ...], lang: str) -> list[dict[str, Any]]:
    """Properties (of entities of `types`, if given) whose id, alias or name starts with `prefix`."""
    aliases = {pid: [a for a, p in ALIASES.items() if p == pid] for pid in index.properties}
    found = []
    for pid in _properties_of(index, types):
        term = index.properties[pid]
        rank = _prefix_rank(prefix, pid, [*term.names.values(), *aliases[pid]])
        if rank is not None:
            found.append((rank, term.name(lang).casefold(), _property_json(index, pid, lang)))
    return [item for *_, item in sorted(found, key=lambda f: (f[0], f[1], f[2]["id"]))]


def propose_properties(index: Index, types: tuple[str, ...], limit: int | None, lang: str) -> list[dict[str, Any]]:
    """The properties entities of `types` have, the most widely held first (data extension proposals)."""
    counts = _properties_of(index, types)
    ranked = sorted(counts, key=lambda pid: (-counts[pid], pid))
    return [_property_json(index, pid, lang) for pid in ranked[:limit]]


def _properties_of(index: Index, types: tuple[str, ...]) -> dict[str, int]:
    """How many entities (of any of `types`) hold each property."""
    counts: dict[str, int] = {}
    for entity in index.entities.values():
        if not types or has_types(entity, types, "any"):
            for pid in entity.values:
                counts[pid] = counts.get(pid, 0) + 1
    return counts


def _property_json(index: Index, pid: str, lang: str) -> dict[str, Any]:
    """A property as the protocol writes it: id, name and its definition as the description."""
    term = index.properties[pid]
    return _described({"id": pid, "name": term.name(lang)}, term.description(lang))


def _described(item: dict[str, Any], description: str | None) -> dict[str, Any]:
    """`item` with a description when there is one."""
    return {**item, "description": description} if description else item


def _prefix_rank(prefix: str, ident: str, labels: list[str]) -> int | None:
    """0: the id or a whole label; 1: a label starts with the prefix; 2: a word does; 3: the id does; 4: no
    prefix at all (everything is suggested); None: no match."""
    wanted, forms = match.normalise(prefix), [" " + match.normalise(label) for label in labels]
    if not wanted:
        return 0 if prefix == ident else 4
    ranks = (
        prefix == ident or " " + wanted in forms,
        any(f.startswith(" " + wanted) for f in forms),
        any(" " + wanted in f for f in forms),
        ident.casefold().startswith(prefix.casefold()),
    )
    return next((rank for rank, hit in enumerate(ranks) if hit), None)
