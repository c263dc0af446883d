"""Named settings of the PDF reader, with their defaults (as pdfplumber's `TableSettings`).

Distances are in points, or in multiples of the font size where the text's
size decides (an indent of two characters is `2 * size` whatever the size).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PdfSettings:
    # --- characters to lines (pdf_lines) ---
    # A glyph joins a line when its centre is within this many sizes of the line's centre.
    line_overlap: float = 0.5
    # A gap wider than this many sizes between glyphs is a word space (kept between Latin words).
    word_gap: float = 0.25
    # A gap wider than this many sizes splits a line into the cells of an unruled table.
    column_gap: float = 1.5
    # Glyphs printed twice within this many points (fake bold) are read once.
    duplicate_tolerance: float = 1.0

    # --- lines to paragraphs (pdf_paragraphs) ---
    # A line starting this many sizes right of the left margin is indented: a new paragraph.
    indent: float = 0.8
    # A line is full (its paragraph goes on) when the next line's first word (a number
    # wraps whole) would not have fitted in the room it left, give or take this many sizes.
    right_reach: float = 1.0
    # A vertical gap between lines wider than this many sizes ends a paragraph.
    paragraph_gap: float = 1.0
    # Lines whose sizes differ by more than this ratio belong to different paragraphs.
    size_ratio: float = 1.15
    # A line whose centre is within this many sizes of the text's centre is centred (a title).
    centre_tolerance: float = 0.5
    # A margin is where at least this many lines start (or end); one stray line does not move it.
    margin_lines: int = 2

    # --- page furniture (pdf_furniture) ---
    # Page numbers and running heads sit in this share of the page height, top and bottom.
    margin_band: float = 0.12
    # A line found at the same place on at least this share of the pages is furniture ...
    repeat_share: float = 0.5
    # ... and on at least this many pages ...
    min_repeat_pages: int = 2
    # ... where "the same place" is within this many points vertically.
    repeat_position: float = 4.0

    # --- tables (pdf_grids) ---
    # A ruled grid needs this many columns to be a table (a framed paragraph has one).
    min_columns: int = 2
    # The text strategy is tried where this many lines in a row are split by column gaps ...
    text_min_rows: int = 3
    # ... (lines between them, up to this many, are wrapped cells) ...
    text_bridge_lines: int = 2
    # ... and its grid is kept with this many columns ...
    text_min_columns: int = 3
    # ... when at least this share of its rows fill two cells or more.
    text_filled_share: float = 0.8
    # A table at the top of a page continues the previous page's when its columns line
    # up with that table's within this many points.
    column_tolerance: float = 3.0
    # How many leading rows of a continued table are compared with the first table's header.
    max_header_rows: int = 3
    # A merged cell is one covering more than its row by this many points.
    merge_tolerance: float = 1.0

    # --- files (pdf) ---
    # A complete PDF ends with %%EOF within this many bytes of its end.
    eof_search_bytes: int = 1024
    # More pages than this is no notice (a page tree that loops, or repeats one page): refused.
    max_pages: int = 2000


DEFAULT_SETTINGS = PdfSettings()
