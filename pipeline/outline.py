"""Body paragraphs to a heading tree, restoring markers the text lost.

Marker families nest in the order a notice first uses them (一、 over (一)
over 1.), so a family already open is a sibling and a new one is a child.
Where a marker was lost, it is inferred from the sequence:

- a bare numeral equal to the next expected number (``十一打造…`` after ``(十)``);
- a short heading-like line followed by items numbered from 1 again, right
  after a responsibility clause or inside a run of such items: the next
  sibling of the items' parent.
"""
from __future__ import annotations

import regex

from pipeline.extract.clauses import has_clause_shape
from pipeline.markers import (Marker, MarkerKind, expected_numeral_prefix, parse_marker,
                              render_marker)
from pipeline.model import Block, BlockKind, OutlineNode
from pipeline.normalise import squash

# A line longer than this is prose, never a heading whose marker was lost.
MAX_INFERRED_HEADING_CHARS = 50

# A numbered line of an attachment list is a name, not a heading: this long at most.
MAX_ATTACHMENT_NAME_CHARS = 60

# Lines after which the body is over: attachments, copy lists, the release note.
_BODY_END = regex.compile(r"^\s*(附\s*件|抄\s*送|\(此件|主题词|联系人|联系电话)")
_ATTACHMENT_LIST = regex.compile(r"^\s*附\s*件\s*:?")
# A note's label: the numbered lines after it are notes (注:1.… 2.…), never headings.
_NOTES = regex.compile(r"^\s*(?:注|说明|备注)\s*:")
_CHINESE_KINDS = (MarkerKind.cn_paren, MarkerKind.cn_dun)


def blocks_to_outline(blocks: list[Block]) -> list[OutlineNode]:
    """The heading tree of the body paragraphs (table rows are left out)."""
    paragraphs = [block for block in blocks
                  if block.kind in (BlockKind.paragraph, BlockKind.attachment_start)]
    roots: list[OutlineNode] = []
    stack: list[OutlineNode] = []
    listing = False  # inside an attachment list (附件:1.某清单 / 2.某分工表)
    noting = False  # inside a list of notes (注:1.… 2.…)
    attachment = 0  # how many 附件 lines came before
    for index, block in enumerate(paragraphs):
        if block.kind is BlockKind.attachment_start:  # an attachment file's text begins
            stack.clear()
            attachment += 1
            listing = noting = False
            continue
        if _BODY_END.match(block.text) or _NOTES.match(block.text):
            stack.clear()
            listing = bool(_ATTACHMENT_LIST.match(block.text))
            attachment += listing
            noting = bool(_NOTES.match(block.text))
            continue
        marker = parse_marker(block.text)
        if listing and marker is not None and _attachment_name(block.text[marker.end:]):
            continue
        if noting and marker is not None:
            continue
        listing = noting = False
        inferred = False
        if marker is None and stack:
            previous = paragraphs[index - 1] if index else None
            following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
            marker = _infer_marker(block, previous, following, stack)
            inferred = marker is not None
        if marker is None:
            if stack:
                stack[-1].body.append(block)
            continue
        node = OutlineNode(kind=marker.kind.value, number=marker.number, marker=marker.text,
                           inferred=inferred, heading=block, attachment=attachment,
                           heading_text=block.text[marker.end:].strip())
        _place(node, stack, roots)
    return roots


def _attachment_name(text: str) -> bool:
    """An entry of an attachment list: a short name, no sentence (基本养老服务清单;)."""
    flat = squash(text)
    return len(flat) <= MAX_ATTACHMENT_NAME_CHARS and "。" not in flat


def _place(node: OutlineNode, stack: list[OutlineNode], roots: list[OutlineNode]) -> None:
    open_kinds = [open_node.kind for open_node in stack]
    if node.kind in open_kinds:  # a sibling of the open node of its family
        del stack[open_kinds.index(node.kind):]
    (stack[-1].children if stack else roots).append(node)
    stack.append(node)


def _infer_marker(block: Block, previous: Block | None, following: Block | None,
                  stack: list[OutlineNode]) -> Marker | None:
    for open_node in reversed(stack):
        if open_node.kind in {kind.value for kind in _CHINESE_KINDS}:
            length = expected_numeral_prefix(block.text.strip(), open_node.number + 1)
            if length:
                lead = len(block.text) - len(block.text.lstrip())
                return Marker(MarkerKind(open_node.kind), open_node.number + 1,
                              block.text.strip()[:length], lead + length)
    return _infer_lost_heading(block, previous, following, stack)


def _infer_lost_heading(block: Block, previous: Block | None, following: Block | None,
                        stack: list[OutlineNode]) -> Marker | None:
    next_marker = parse_marker(following.text) if following else None
    if next_marker is None or next_marker.number != 1 or not _heading_like(block.text):
        return None
    open_kinds = [open_node.kind for open_node in stack]
    child_kind = next_marker.kind.value
    after_clause = previous is not None and has_clause_shape(previous.text)
    if child_kind in open_kinds:
        position = open_kinds.index(child_kind) - 1
    elif after_clause:
        position = len(stack) - 1
    else:
        return None
    if position < 0:
        return None
    sibling = stack[position]
    kind, number = MarkerKind(sibling.kind), sibling.number + 1
    lead = len(block.text) - len(block.text.lstrip())
    return Marker(kind, number, render_marker(kind, number), lead)


def _heading_like(text: str) -> bool:
    flat = squash(text)
    if not flat or len(flat) > MAX_INFERRED_HEADING_CHARS or flat.endswith((":", ",")):
        return False
    return "。" not in flat[:-1] and not has_clause_shape(flat)


def walk(nodes: list[OutlineNode]):
    """Every node in document order, depth first."""
    for node in nodes:
        yield node
        yield from walk(node.children)
