"""Every code a record can carry, and what it means: review flags and notice warnings.

As `errors.py` does for errors, this is the one place a code is defined; a
`Flag` or `NoticeWarning` with a code not listed here is refused when it is
made, so a typo fails loudly and the README's tables list them all.
"""
from __future__ import annotations

FLAG_CODES: dict[str, str] = {
    # catalogue rows
    "target_group_carried": "a 服务对象 the text layout lost the merge of, carried down from above",
    "target_group_reassigned": "a 服务对象 label printed a row off, given to the row it fits",
    "target_group_inferred": "a 服务对象 inferred for a row that prints none",
    "column_slide_repaired": "cells that slid one column over, moved back",
    "seq_inferred": "a row number the row does not print, from its neighbours",
    "age_mismatch": "an age in the row below its target group's minimum age",
    "amount_unclear": "an amount whose unit or basis the row does not make clear",
    "field_missing": "an empty cell under a column the header has",
    # tasks
    "marker_inferred": "a heading whose marker was lost, numbered from the sequence",
    "group_clause": "a clause after a group's last item, read as the group's",
    "units_inherited": "an item that names no units, given those of its enclosing item",
    "units_fallback": "a unit no known unit form covers, kept as printed",
    # scans
    "ocr_low_confidence": "a value read by OCR from a line the recogniser was unsure of",
}

WARNING_CODES: dict[str, str] = {
    "catalogue_missing": "the notice announces a service catalogue whose rows are not in it",
    "nothing_extracted": "no service catalogue and no key tasks were found",
    "format_mismatch": "the file's name promises another format than its content",
    "charset_mismatch": "a page declares one charset but reads as another",
    "undecodable_bytes_replaced": "a few undecodable bytes were replaced",
    "html_body_not_found": "no article text was found in the page",
    "notes_unreadable": "a Word file's footnotes or endnotes could not be read",
    "pages_without_text": "PDF pages that hold only images on which OCR found no text",
    "text_from_ocr": "pages without a usable text layer (scans, image files) read by OCR",
    "garbled_text": "characters in a font without a Unicode map were dropped",
    "attachment_unreadable": "an attachment file could not be read; the notice was read without it",
    "attachment_read_alone": "a file named as an attachment whose notice could not be told, "
                             "read as a notice of its own",
    "corrections_invalid": "the notice's corrections file cannot be read or validated; the notice "
                           "was extracted without it and the file left as it is",
}
