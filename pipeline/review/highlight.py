"""The notice's text cut into pieces around the records' spans, for the template to mark up.

The text is never joined with markup here: the template writes each text
piece escaped and each span's `<mark>` around it. Spans may nest (a row and
its cells) or cross; a span that crosses the end of an enclosing one is
closed and opened again, so the marks stay well nested.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pipeline.model import Span


@dataclass(frozen=True)
class Piece:
    kind: str  # "text", "open" or "close"
    text: str = ""
    span: int | None = None  # the span's number, for "open" and "close"
    first: bool = False  # the first opening of a span carries its element id
    kinds: str = ""  # the fields that point at the span, as CSS classes


@dataclass(frozen=True)
class Marked:
    number: int
    start: int
    end: int


@dataclass
class SpanIndex:
    """Numbers the distinct spans (by offsets) of a notice's records."""

    text_length: int
    numbers: dict[tuple[int, int], int] = field(default_factory=dict)
    kinds: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, span: Span | None, kind: str) -> int | None:
        """The span's number; None when it has no extent inside the text."""
        if span is None or not 0 <= span.start < span.end <= self.text_length:
            return None
        number = self.numbers.setdefault((span.start, span.end), len(self.numbers) + 1)
        self.kinds[number].add(kind)
        return number

    def marked(self) -> list[Marked]:
        return [Marked(number, start, end) for (start, end), number in self.numbers.items()]

    def css_classes(self, number: int) -> str:
        return " ".join(f"kind-{kind}" for kind in sorted(self.kinds[number]))


def text_to_pieces(text: str, index: SpanIndex) -> list[Piece]:
    """Text pieces between the openings and closings of every span.

    >>> index = SpanIndex(11)
    >>> index.add(Span(line=1, end_line=1, start=0, end=5), "a"), index.add(Span(line=1, end_line=1, start=3, end=8), "b")
    (1, 2)
    >>> "".join({"open": "[", "close": "]"}.get(p.kind, p.text) for p in text_to_pieces("hello world", index))
    '[hel[lo]][ wo]rld'
    """
    marked = index.marked()
    starting: dict[int, list[Marked]] = defaultdict(list)
    for span in marked:
        starting[span.start].append(span)
    points = sorted({0, len(text)} | {s.start for s in marked} | {s.end for s in marked})
    pieces: list[Piece] = []
    stack: list[Marked] = []
    for here, after in zip(points, points[1:]):
        stack = _close_ended(stack, here, pieces, index)
        for span in sorted(starting.get(here, []), key=lambda s: -s.end):
            pieces.append(Piece("open", span=span.number, first=True,
                                kinds=index.css_classes(span.number)))
            stack.append(span)
        pieces.append(Piece("text", text[here:after]))
    pieces.extend(Piece("close", span=span.number) for span in reversed(stack))
    return pieces


def _close_ended(stack: list[Marked], here: int, pieces: list[Piece],
                 index: SpanIndex) -> list[Marked]:
    """Close the spans ending at `here`, and reopen those closed only to keep the nesting."""
    ended = [depth for depth, span in enumerate(stack) if span.end <= here]
    if not ended:
        return stack
    lowest = ended[0]
    pieces.extend(Piece("close", span=span.number) for span in reversed(stack[lowest:]))
    reopened = [span for span in stack[lowest:] if span.end > here]
    pieces.extend(Piece("open", span=span.number, kinds=index.css_classes(span.number))
                  for span in reopened)
    return stack[:lowest] + reopened
