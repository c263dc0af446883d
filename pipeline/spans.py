"""Character offsets to `Span`s (1-based line numbers) in a decoded source text."""
from __future__ import annotations

import re
from bisect import bisect_right

from pipeline.model import Block, Span

_NEWLINE = re.compile("\n")


class LineIndex:
    """Line starts of one text, so offsets turn into spans without rescanning it.

    Given the blocks of a laid-out file (PDF, Word, HTML), a span also takes
    the page, box or locator of the cell or paragraph it starts in, and the
    attachment file it is in.

    >>> LineIndex("ab\\ncd\\nef").span(3, 7).model_dump()
    {'line': 2, 'end_line': 3, 'start': 3, 'end': 7}
    """

    def __init__(self, text: str, blocks: list[Block] | None = None):
        self._starts = [0] + [match.end() for match in _NEWLINE.finditer(text)]
        self._places: list[Span] = []  # sorted spans of cells and paragraphs with a place
        for block in blocks or []:
            for part in block.cells or [block]:
                if part.span.page is not None or part.span.locator is not None \
                        or part.span.file is not None:
                    self._places.append(part.span)
        self._place_starts = [place.start for place in self._places]

    def line_of(self, offset: int) -> int:
        return bisect_right(self._starts, offset)

    def span(self, start: int, end: int) -> Span:
        place = self._place_of(start)
        # Built without validation: every field is computed here, and spans are many.
        return Span.model_construct(
            line=self.line_of(start), end_line=self.line_of(max(start, end - 1)), start=start,
            end=end, page=place.page if place else None, bbox=place.bbox if place else None,
            locator=place.locator if place else None, file=place.file if place else None,
            confidence=place.confidence if place else None)

    def _place_of(self, offset: int) -> Span | None:
        index = bisect_right(self._place_starts, offset) - 1
        if index >= 0 and offset <= self._places[index].end:
            return self._places[index]
        return None


def cover(spans: list[Span]) -> Span:
    """The smallest span holding all of `spans` (which must not be empty)."""
    return Span(line=min(s.line for s in spans), end_line=max(s.end_line for s in spans),
                start=min(s.start for s in spans), end=max(s.end for s in spans),
                file=spans[0].file)


class Assembly:
    """Pieces of the source joined into one string, mapping offsets back to the source.

    Wrapped lines of one item are joined with nothing between them (Chinese
    needs no space), so a figure or unit broken by a line wrap reads whole.

    >>> joined = Assembly([("到", 10), ("2025年", 20)])
    >>> joined.text, joined.source_offset(1), joined.source_offset(2)
    ('到2025年', 20, 21)
    """

    def __init__(self, pieces: list[tuple[str, int]]):
        self.text = "".join(text for text, _ in pieces)
        self._starts: list[int] = []
        self._sources: list[int] = []
        position = 0
        for text, source_start in pieces:
            self._starts.append(position)
            self._sources.append(source_start)
            position += len(text)

    def source_offset(self, offset: int) -> int:
        piece = max(bisect_right(self._starts, offset) - 1, 0)
        return self._sources[piece] + offset - self._starts[piece]

    def source_range(self, start: int, end: int) -> tuple[int, int]:
        return self.source_offset(start), self.source_offset(max(start, end - 1)) + 1
