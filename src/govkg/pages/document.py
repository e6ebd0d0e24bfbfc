"""A source document's text laid out for its page: quoted spans and page chrome as blocks nested over the text,
the text split into segments wherever a span begins or ends (data, not HTML; `document.html` renders it).

Offsets are Unicode code points, which is how Python indexes a `str` and how the graph counts (`oa:start`,
`oa:end`); the page is computed here, never in the browser, whose strings count UTF-16 units. A DOM is a tree,
so quotes that cross each other cannot each be one element holding exactly its text: such a quote's anchor is
widened to the smallest span crossing no other (`Layout.widened` names those claims); its segments stay exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise

__all__ = ["Block", "Layout", "Leaf", "Span", "layout", "tokens", "valid"]

QUOTE, CHROME, TEXT = "quote", "chrome", "text"  # the kinds of Block
OPEN, LEAF, CLOSE = "open", "leaf", "close"  # the kinds of token
NESTING = (TEXT, CHROME, QUOTE)  # on one span, the outer kind first


@dataclass(frozen=True)
class Span:
    """A claim's quote (`key`: the claim's local name) or a piece of page chrome, at [start, end) in code points."""

    start: int
    end: int
    key: str = ""


@dataclass(frozen=True)
class Leaf:
    """A run of text covered by the same claims (their keys, in text order) and the note that lists them."""

    start: int
    end: int
    text: str
    claims: tuple[str, ...] = ()
    note: str = ""  # the id of the note listing `claims` ("" when none covers the run)


@dataclass
class Block:
    """An element over [start, end): the whole text, page chrome, or a quote anchoring the claims `keys`."""

    kind: str
    start: int
    end: int
    keys: tuple[str, ...] = ()
    children: list[Block | Leaf] = field(default_factory=list)


@dataclass(frozen=True)
class Layout:
    """The text as nested blocks, the notes (id → the claims a run supports) and the runs in text order."""

    root: Block
    notes: dict[str, tuple[str, ...]]
    segments: tuple[Leaf, ...]
    widened: frozenset[str]  # claims whose anchor holds more than their quote (it crosses another quote)

    def tokens(self) -> list[tuple[str, Block | Leaf]]:
        """The tree as a flat list in text order, for a page to write however deep quotes nest (see `tokens`)."""
        return tokens(self.root)


def valid(spans: Iterable[Span], length: int) -> list[Span]:
    """The spans that lie within a text of `length` code points, in text order (then by key)."""
    return sorted((s for s in spans if 0 <= s.start <= s.end <= length), key=lambda s: (s.start, s.end, s.key))


def layout(text: str, quotes: Iterable[Span], chrome: Iterable[Span] = ()) -> Layout:
    """Lay `text` out: quote anchors and chrome nested in one tree, leaves cut at every span boundary."""
    quotes, chrome = valid(quotes, len(text)), valid(chrome, len(text))
    blocks = _place([Block(CHROME, s.start, s.end) for s in chrome], [])
    anchors = _anchors(quotes, blocks)
    root = _nest([*blocks, *anchors], len(text))
    cuts = sorted({0, len(text), *(p for s in (*quotes, *chrome) for p in (s.start, s.end))})
    notes: dict[tuple[str, ...], str] = {}
    _fill(root, text, _Cover(cuts, quotes, notes))
    exact = {(s.start, s.end, s.key) for s in quotes}
    widened = {k for b in anchors for k in b.keys if not any((b.start, b.end, k) == e for e in exact)}
    leaves = tuple(n for kind, n in tokens(root) if isinstance(n, Leaf))
    return Layout(root, {n: keys for keys, n in notes.items()}, leaves, frozenset(widened))


def tokens(root: Block) -> list[tuple[str, Block | Leaf]]:
    """`root`'s tree in text order as ("open", block), ("leaf", leaf) and ("close", block): walked without
    recursion, since the data may nest quotes (or give one span claims) by the thousand."""
    found: list[tuple[str, Block | Leaf]] = [(OPEN, root)]
    stack = [(root, iter(root.children))]
    while stack:
        block, rest = stack[-1]
        child = next(rest, None)
        if child is None:
            stack.pop()
            found.append((CLOSE, block))
        elif isinstance(child, Block):
            found.append((OPEN, child))
            stack.append((child, iter(child.children)))
        else:
            found.append((LEAF, child))
    return found


def _crosses(a: Block, start: int, end: int) -> bool:
    """Do [a.start, a.end) and [start, end) overlap with neither holding the other?"""
    return a.start < start < a.end < end or start < a.start < end < a.end


def _widen(start: int, end: int, placed: list[Block]) -> tuple[int, int]:
    """The smallest span holding [start, end) that crosses no placed block."""
    while crossing := [b for b in placed if _crosses(b, start, end)]:
        start, end = min(start, *(b.start for b in crossing)), max(end, *(b.end for b in crossing))
    return start, end


def _place(blocks: list[Block], placed: list[Block]) -> list[Block]:
    """`blocks` widened in text order so that none crosses another or one of `placed`."""
    found: list[Block] = []
    for block in sorted(blocks, key=lambda b: (b.start, -b.end)):
        block.start, block.end = _widen(block.start, block.end, placed + found)
        found.append(block)
    return found


def _anchors(quotes: list[Span], chrome: list[Block]) -> list[Block]:
    """One quote block per span (its claims' keys together), widened where it would cross another, then merged
    with a block of the same span: every key keeps one element whose text is as close to its quote as can be."""
    spans: dict[tuple[int, int], list[str]] = {}
    for quote in quotes:
        spans.setdefault((quote.start, quote.end), []).append(quote.key)
    placed = _place([Block(QUOTE, s, e, tuple(keys)) for (s, e), keys in spans.items()], chrome)
    merged: dict[tuple[int, int], Block] = {}
    for block in placed:
        if (block.start, block.end) in merged:
            merged[(block.start, block.end)].keys += block.keys
        else:
            merged[(block.start, block.end)] = block
    return list(merged.values())


def _nest(blocks: list[Block], length: int) -> Block:
    """The blocks (no two crossing) as a tree under the whole text, each under the smallest block holding it."""
    root = Block(TEXT, 0, length)
    stack = [root]
    for block in sorted(blocks, key=lambda b: (b.start, -b.end, NESTING.index(b.kind))):
        while not (stack[-1].start <= block.start and block.end <= stack[-1].end):
            stack.pop()
        stack[-1].children.append(block)
        stack.append(block)
    return root


@dataclass
class _Cover:
    """Where leaves are cut, which quotes cover a leaf and the note of each set of claims (numbered as met)."""

    cuts: list[int]
    quotes: list[Span]
    notes: dict[tuple[str, ...], str]

    def leaves(self, text: str, start: int, end: int) -> list[Leaf]:
        """The leaves of [start, end), cut at every span boundary."""
        points = [start, *(c for c in self.cuts if start < c < end), end]
        return [self.leaf(text, a, b) for a, b in pairwise(points) if a < b]

    def leaf(self, text: str, start: int, end: int) -> Leaf:
        """One leaf, with the claims whose quote covers it and their note."""
        claims = tuple(dict.fromkeys(q.key for q in self.quotes if q.start <= start and end <= q.end))
        note = self.notes.setdefault(claims, f"n-{len(self.notes) + 1}") if claims else ""
        return Leaf(start, end, text[start:end], claims, note)


def _fill(root: Block, text: str, cover: _Cover) -> None:
    """Put the leaves between each block's child blocks into it, in text order (depth first, without recursion)."""
    stack: list[tuple[Block, Iterator[Block | Leaf], int]] = []

    def enter(block: Block) -> None:
        stack.append((block, iter(list(block.children)), block.start))
        block.children = []

    enter(root)
    while stack:
        block, rest, position = stack[-1]
        child = next(rest, None)
        if child is None:
            block.children += cover.leaves(text, position, block.end)
            stack.pop()
            continue
        assert isinstance(child, Block)
        block.children += [*cover.leaves(text, position, child.start), child]
        stack[-1] = (block, rest, child.end)
        enter(child)
