"""Give every catalogue row its 服务对象, the merged cell that a text layout printed once.

A merged cell's label lands on one row of its span, sometimes split over
several rows, sometimes printed again at the top of a page, sometimes one row
off. The rules, for the family of layouts:

- a laid-out table's label is read as its cell holds it, and a merged cell's
  copies below it are the same label, read (no flag); the rules below are for
  text layouts, which lose the merge:
- label fragments that do not end a noun phrase (``60 周岁及以上`` … ``老年人``)
  are joined; a bare ``老年人`` continues the label above it; but a label that
  is an age bracket (``80-89周岁``) followed by one that opens with another
  (``90-99周岁``) are two labels stacked in one column, never one;
- a label cell that also holds item names (a layout that ran cells together)
  loses those names; a garbled label is re-read from the row's own text;
- rows above the first label belong to it; other unlabelled rows carry the
  label above them down, except in a table whose labels are vertically
  centred (its first row has none), where a row may belong to the label below
  when its text fits that label better;
- a labelled row whose text clearly fits the group above it (an age below
  the label's minimum age, the words of the group above) stays with that
  group: the label was printed one row early.
"""
from __future__ import annotations

import regex

from pipeline.extract.quantities import min_age
from pipeline.model import Cell, Flag
from pipeline.normalise import squash
from pipeline.parse.catalogue_rows import CatalogueRow
from pipeline.vocab import word_list

# A label's evidence must beat the printed label's by this much to move a row.
REASSIGN_MARGIN = 0.5

# A complete 服务对象 label ends with a person or household noun, or a full stop.
_COMPLETE_LABEL = regex.compile(r"(人|对象|家庭|老人|群体|人员|者|户|遗属|等)[。;]?$|[。;]$")
_BARE_HEAD = regex.compile(r"^(的)?(老年人|老人)$")
# A label read off a broken font: Latin letters mixed into Chinese, or single
# characters separated by spaces.
_GARBLED = regex.compile(r"[A-Za-z]|(?:\p{Han}\s){3,}")
# A target-group phrase stated in the row's own text, for re-reading a garbled label.
_GROUP_PHRASE = regex.compile(r"\d{2,3}\s*周岁(?:及以上|以上)(?:的)?老年人")
_AGE = regex.compile(r"(\d{2,3})\s*(?:周岁|岁)")
# An age bracket closing a label fragment, and one opening the next: stacked bracket labels.
_ENDS_WITH_AGE = regex.compile(r"""
    \d{1,3} \s* (?:周岁|岁)          # 80周岁, 80-89周岁 (the range's end)
    (?:及以上|以上|以下|及以下)? $    # 100周岁及以上
""", regex.VERBOSE)
_STARTS_WITH_AGE = regex.compile(r"""
    ^ \d{1,3} \s*                   # 90
    (?:[-—–~～至到] \s* \d{1,3} \s*)? # -99
    (?:周岁|岁)                      # 周岁
""", regex.VERBOSE)


def _stop_bigrams() -> frozenset[str]:
    return frozenset(word_list("target_group_stop_bigrams"))


def resolve_target_groups(rows: list[CatalogueRow]) -> list[tuple[str | None, Cell | None]]:
    """The group of each row, with the label cell it was read from."""
    labels = _row_labels(rows)
    positions = [index for index, label in enumerate(labels) if label is not None]
    if not positions:
        return [(None, None)] * len(rows)
    centred = positions[0] > 0
    groups: list[tuple[str | None, Cell | None]] = []
    current = labels[positions[0]]
    for index, row in enumerate(rows):
        label = labels[index]
        if label is not None and index > positions[0]:
            previous = groups[-1][0]
            if previous and not row.block.grid and _fits_better(row, previous, label[0]):
                row.flags.append(_flag("target_group_reassigned",
                                       f"the label “{label[0]}” printed on this row belongs "
                                       f"to the rows below; the row's text fits “{previous}”"))
                groups.append(groups[-1])
                current = label
                continue
            current = label
        elif label is None and row.merged_label:  # a merged 服务对象 the reader saw: as read
            pass
        elif label is None:
            following = next((labels[p] for p in positions if p > index), None)
            if index < positions[0]:
                current = labels[positions[0]]
            elif centred and following and _score(row, following[0]) > _score(row, current[0]):
                row.flags.append(_flag("target_group_reassigned",
                                       f"centred labels: the row fits “{following[0]}” below"))
                groups.append(following)
                continue
            row.flags.append(_flag("target_group_carried",
                                   "the merged 服务对象 cell was carried to this row"))
        groups.append(current)
    return groups


def _flag(code: str, reason: str) -> Flag:
    return Flag(code=code, field="target_group", reason=reason)


def _row_labels(rows: list[CatalogueRow]) -> list[tuple[str, Cell] | None]:
    """Per row, its own label after cleaning and joining fragments."""
    names = [squash(row.name.text) for row in rows]
    labels: list[tuple[str, Cell] | None] = []
    for row in rows:
        labels.append(_clean_label(row, names) if row.label else None)
    last = None
    for index, label in enumerate(labels):
        if label is None or rows[index].block.grid:  # a laid-out cell is whole as read
            last = index if label is not None else last
            continue
        text, cell = label
        if last is not None and _BARE_HEAD.match(text):
            if not _COMPLETE_LABEL.search(labels[last][0]):
                labels[last] = (labels[last][0] + text, labels[last][1])
            labels[index] = None
            continue
        if last is not None and _continues(labels[last][0], text):
            labels[last] = (labels[last][0] + text, labels[last][1])
            labels[index] = None
            continue
        last = index
    return labels


def _continues(above: str, fragment: str) -> bool:
    """Whether `fragment` goes on the label `above` (a label split over rows).

    >>> _continues("60周岁及以上经济困难的", "失能老年人")
    True
    >>> _continues("80-89周岁", "90-99周岁"), _continues("90周岁", "100周岁及以上")
    (False, False)
    """
    if _COMPLETE_LABEL.search(above):
        return False
    return not (_ENDS_WITH_AGE.search(above) and _STARTS_WITH_AGE.match(fragment))


def _clean_label(row: CatalogueRow, names: list[str]) -> tuple[str, Cell] | None:
    raw = row.label.text
    text = squash(raw)
    for name in names:  # a layout that ran "3 就医便利服务" into the label cell
        if name and name in text:
            text = regex.sub(r"\*?\d{1,3}" + regex.escape(name), "", text)
    if _GARBLED.search(raw) and not _GROUP_PHRASE.search(text):
        stated = _GROUP_PHRASE.search(squash(_row_text(row)))
        row.flags.append(_flag("target_group_inferred",
                               f"the label “{raw}” is garbled; read from the row's text"))
        return (squash(stated.group()), row.label) if stated else None
    return (text, row.label) if text else None


def _row_text(row: CatalogueRow) -> str:
    return row.name.text + " " + (row.content.text if row.content else "")


def _fits_better(row: CatalogueRow, above: str, printed: str) -> bool:
    above_score = _score(row, above)
    return above_score > 0 and above_score - _score(row, printed) >= REASSIGN_MARGIN


def _score(row: CatalogueRow, label: str) -> float:
    """How well the row's name and content fit a label: shared words, plus age agreement."""
    text = squash(_row_text(row))
    bigrams = {label[i:i + 2] for i in range(len(label) - 1)} - _stop_bigrams()
    bigrams = {b for b in bigrams if all("\u4e00" <= ch <= "\u9fff" for ch in b)}
    shared = sum(1 for bigram in bigrams if bigram in text) / len(bigrams) if bigrams else 0.0
    return shared + _age_agreement(text, label)


def _age_agreement(text: str, label: str) -> float:
    """How the row's first stated age fits the label's minimum age.

    +1 when they are equal, +0.5 when the age is above it (a 100-year-old is
    also over 80, but a row about 80-year-olds belongs to the 80 group rather
    than to the 60 one), -1 when below it.
    """
    label_age = min_age(label)
    stated = _AGE.search(text)
    if label_age is None or stated is None:
        return 0.0
    age = int(stated.group(1))
    if age == label_age:
        return 1.0
    return 0.5 if age > label_age else -1.0
