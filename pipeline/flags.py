"""Review flags: where a record holds a value the pipeline inferred or doubts.

The parse stages add the flags they can see as they read (a carried 服务对象,
a repaired column slide, an empty cell the header promised). The checks here
look at a finished value against the rest of its record: a unit no known form
covers, an age below the target group's, an amount whose basis is unclear.
`summarise_review` then counts them all for the notice, so a reviewer knows
where to look first.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import regex

from pipeline.extract.quantities import find_ages
from pipeline.model import CatalogueItem, Flag, Quantity, ReviewSummary, Span, Task

# --- settings -----------------------------------------------------------------------

# An age below this describes someone other than the elderly beneficiary (a child, a
# carer), so it says nothing about the target group.
MIN_ELDERLY_AGE = 50
# Units too large for one person's allowance.
LARGE_MONEY_UNITS = ("万元", "亿元")
# A value read by OCR from a line recognised with less confidence than this is flagged.
# Measured on the scans of the five samples (benchmarks/ocr_results.md, 2,042 lines): the
# tenth of the lines below it holds about four in five of the misread lines; above it, about
# one line in 370 is misread.
OCR_LOW_CONFIDENCE = 0.98

# A rate counted per person: 每人每月, 每名老年人, 人/月 (`Quantity.per` as read).
_PER_PERSON = regex.compile(
    r"""
    ^ (?:每\s*)?                     # 每人每月, or 人/月 from a 元/人/月 suffix
    [名位个]? \s*                    # 每名老年人, 每位
    (?: 人(?!口|次) | 老年人 | 老人 | 居民 | 户 )   # a person or household, not 人口 or 人次
    """,
    regex.VERBOSE,
)


# --- flags the parse stages share -------------------------------------------------------


def units_fallback_flag(field: str, names: Sequence[str]) -> Flag:
    """Units kept as printed because no known unit form covered them.

    >>> units_fallback_flag("lead_units", ["薛城规划中心"]).reason
    '“薛城规划中心” matched no known unit form; the fallback rule kept it as printed'
    """
    quoted = "、".join(f"“{name}”" for name in names)
    return Flag(code="units_fallback", field=field,
                reason=f"{quoted} matched no known unit form; the fallback rule kept it as printed")


def seq_inferred_flag() -> Flag:
    return Flag(code="seq_inferred", field="seq",
                reason="the row printed no 序号; it was taken from the sequence")


def seq_renumbered_flag(printed: int | None, number: int) -> Flag:
    """A 序号 that starts again in each category, numbered on through the catalogue."""
    return Flag(code="seq_inferred", field="seq",
                reason=f"the printed 序号 ({printed}) starts again in each category; "
                       f"numbered {number} through the catalogue")


def units_inherited_flag() -> Flag:
    return Flag(code="units_inherited", field="responsible_units",
                reason="the item names no units; those of its enclosing item apply")


def group_clause_flag() -> Flag:
    return Flag(code="group_clause", field="responsible_units",
                reason="the responsibility clause after the group's last item was read as the group's")


def marker_inferred_flag(marker: str) -> Flag:
    return Flag(code="marker_inferred", field="number",
                reason=f"the heading lost its marker; {marker} follows from the sequence")


def field_missing_flag(field: str, column: str) -> Flag:
    """An empty cell under a column the table's header has.

    >>> field_missing_flag("standard", "服务标准").reason
    'the header has a 服务标准 column but this row has no value for it'
    """
    return Flag(code="field_missing", field=field,
                reason=f"the header has a {column} column but this row has no value for it")


# --- checks of a finished catalogue item --------------------------------------------------


def age_mismatch_flags(item: CatalogueItem) -> list[Flag]:
    """An age in the item's name or content below its target group's minimum age.

    Such a row usually belongs to another group: its 服务对象 label was carried
    or printed one row off.
    """
    if item.min_age is None:
        return []
    lower = []
    for text in (item.name, item.content or ""):
        lower += [age.value for age in find_ages(text)
                  if MIN_ELDERLY_AGE <= age.value < item.min_age and age.value not in lower]
    if not lower:
        return []
    ages = "、".join(f"{age}周岁" for age in lower)
    return [Flag(code="age_mismatch", field="target_group",
                 reason=f"the item names {ages}, below the {item.min_age} of its target group "
                        f"“{item.target_group}”")]


def amount_flags(amounts: Sequence[Quantity]) -> list[Flag]:
    """Amounts whose unit or basis a reader cannot tell from the row.

    An amount with no 每人/每月 basis where the row's other amounts state one,
    and an amount in 万元 or 亿元 in a per-person standard. Rows whose amounts
    all state a basis, or none does, are not flagged.
    """
    based = [amount for amount in amounts if amount.per]
    per_person = any(_PER_PERSON.match(amount.per) for amount in based)
    unclear = []
    for amount in amounts:
        if per_person and amount.unit in LARGE_MONEY_UNITS:
            unclear.append(f"{_quoted(amount)} is in {amount.unit} in a per-person standard")
        elif based and not amount.per:
            unclear.append(f"“{amount.text}” states no per-person or per-period basis, "
                           f"while {_quoted(based[0])} in the same row does")
    if not unclear:
        return []
    return [Flag(code="amount_unclear", field="amounts", reason="; ".join(unclear))]


def _quoted(amount: Quantity) -> str:
    """“80元” (每人每月): the amount as printed, with its basis where the text lacks it."""
    if amount.per and amount.per not in amount.text:
        return f"“{amount.text}” ({amount.per})"
    return f"“{amount.text}”"


# --- checks of any finished record -------------------------------------------------------


def ocr_confidence_flags(sources: dict[str, Span]) -> list[Flag]:
    """One flag per field read by OCR from a line the recogniser was unsure of.

    >>> span = Span(line=1, end_line=1, start=0, end=4, confidence=0.61)
    >>> [(flag.field, flag.reason) for flag in ocr_confidence_flags({"name": span,
    ...     "lead_units/0": span, "content": span.model_copy(update={"confidence": 0.99})})]
    [('name', 'read by OCR with confidence 0.61 (below 0.98): check it against the page image'), ('lead_units', 'read by OCR with confidence 0.61 (below 0.98): check it against the page image')]
    """
    lowest: dict[str, float] = {}
    for key, span in sources.items():
        if span.confidence is not None and span.confidence < OCR_LOW_CONFIDENCE:
            field = key.split("/")[0]
            lowest[field] = min(span.confidence, lowest.get(field, 1.0))
    return [Flag(code="ocr_low_confidence", field=field,
                 reason=f"read by OCR with confidence {confidence:.2f} (below "
                        f"{OCR_LOW_CONFIDENCE}): check it against the page image")
            for field, confidence in lowest.items()]


# --- the notice's summary ------------------------------------------------------------------


def summarise_review(catalogue: Sequence[CatalogueItem], tasks: Sequence[Task]) -> ReviewSummary:
    """How many records a notice has, how many carry flags, and each code's count.

    Codes are sorted so the written summary is the same on every run. Corrections
    are counted where they are applied, not here.
    """
    records = [*catalogue, *tasks]
    counts = Counter(flag.code for record in records for flag in record.flags)
    return ReviewSummary(records=len(records),
                         flagged_records=sum(1 for record in records if record.flags),
                         flags=dict(sorted(counts.items())))
