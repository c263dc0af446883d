"""The low layer of the Word reader: what a `w:p`, a `w:r` or a block container holds.

These functions read WordprocessingML elements (as python-docx's `docx.oxml`
parses them) and know nothing of notices. Wrappers that only group content
(content controls `w:sdt`, `w:customXml`, `w:smartTag`, tracked insertions
`w:ins`) are looked through; deleted text (`w:del`) and hidden runs
(`w:vanish`) are left out, as Word does not print them.
"""
from __future__ import annotations

from collections.abc import Iterator

from docx.oxml.ns import qn
from lxml import etree

W_P, W_TBL, W_TR, W_TC, W_R = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r")
W_TXBX = qn("w:txbxContent")
MC_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

# Elements that only wrap block or row content; their content counts where they stand.
WRAPPERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:smartTag"),
            qn("w:ins"), qn("w:moveTo"), qn("w:hyperlink"), qn("w:fldSimple"),
            qn("w:dir"), qn("w:bdo"), MC_ALTERNATE}
# Elements whose content Word does not print, or that hold no text.
SKIPPED = {qn("w:del"), qn("w:moveFrom"), qn("w:pPr"), qn("w:rPr"), qn("w:sdtPr"),
           qn("w:sdtEndPr"), qn("w:customXmlPr"), qn("w:tblPr"), qn("w:trPr"),
           qn("w:tcPr"), MC_FALLBACK}
# A content control holding one of these building blocks is a generated table of contents.
TOC_GALLERIES = {"Table of Contents"}
# Run content -> the text it prints (breaks become newlines; the layout decides on them).
RUN_TEXT = {qn("w:tab"): "\t", qn("w:ptab"): "\t", qn("w:cr"): "\n",
            qn("w:noBreakHyphen"): "-"}


def val(element: etree._Element | None, tag: str, attribute: str = "w:val") -> str | None:
    """The `w:val` (or another attribute) of `element`'s first child `tag`, if any."""
    child = element.find(qn(tag)) if element is not None else None
    return child.get(qn(attribute)) if child is not None else None


def iter_blocks(container: etree._Element) -> Iterator[etree._Element]:
    """The `w:p` and `w:tbl` of a body, cell, text box or note, in document order."""
    for child in container:
        if child.tag in (W_P, W_TBL):
            yield child
        elif child.tag == qn("w:sdt") and _is_toc(child):
            continue
        elif child.tag in WRAPPERS:
            yield from iter_blocks(_chosen(child))


def iter_tagged(container: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children `tag` of a table or row, looking through wrappers (`w:sdt` around a row)."""
    for child in container:
        if child.tag == tag:
            yield child
        elif child.tag in WRAPPERS:
            yield from iter_tagged(_chosen(child), tag)


def paragraph_text(p: etree._Element) -> tuple[str, list[etree._Element]]:
    """The text a paragraph prints, and the text boxes (`w:txbxContent`) anchored in it."""
    parts: list[str] = []
    boxes: list[etree._Element] = []
    _collect(p, parts, boxes)
    return "".join(parts), boxes


def _collect(element: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
    for child in _chosen(element):
        if child.tag == W_R:
            _run(child, parts, boxes)
        elif child.tag not in SKIPPED:
            _collect(child, parts, boxes)


def _run(r: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
    if _hidden(r):
        return
    for child in r:
        if child.tag == qn("w:t"):
            parts.append(child.text or "")
        elif child.tag in RUN_TEXT:
            parts.append(RUN_TEXT[child.tag])
        elif child.tag == qn("w:br"):
            parts.append("" if child.get(qn("w:type")) in ("page", "column") else "\n")
        elif child.tag not in SKIPPED:
            boxes.extend(text_boxes(child))


def text_boxes(element: etree._Element) -> Iterator[etree._Element]:
    """The outermost text boxes inside a drawing, picture or object, each once.

    A drawing usually comes twice (`mc:Choice` as DrawingML, `mc:Fallback` as VML);
    only the choice is read.
    """
    if element.tag == W_TXBX:
        yield element
        return
    for child in _chosen(element):
        if child.tag not in SKIPPED:
            yield from text_boxes(child)


def _hidden(r: etree._Element) -> bool:
    vanish = r.find(f"{qn('w:rPr')}/{qn('w:vanish')}")
    return vanish is not None and vanish.get(qn("w:val"), "true") not in ("0", "false", "off")


def _chosen(element: etree._Element) -> etree._Element:
    """The branch of an `mc:AlternateContent` that is read (its first choice); others as is."""
    if element.tag != MC_ALTERNATE:
        return element
    return next(iter(element), element)


def _is_toc(sdt: etree._Element) -> bool:
    gallery = sdt.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
    return gallery is not None and gallery.get(qn("w:val")) in TOC_GALLERIES
