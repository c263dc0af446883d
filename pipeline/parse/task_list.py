"""The key-task parts of a notice to `Task` records.

Tasks come from the body's heading tree (parts that assign work) and from
职责分工表 tables; both become `TaskDraft`s, which then get their units,
figures, deadlines and IDs the same way.
"""
from __future__ import annotations

import regex
from pydantic import BaseModel, Field

from pipeline.extract.quantities import find_deadline_years, find_figures
from pipeline.extract.responsibility import (Responsibility, find_lead_phrases,
                                             find_responsibility_clauses)
from pipeline.flags import units_fallback_flag
from pipeline.model import Flag, Located, OutlineNode, Span, Task
from pipeline.normalise import squash
from pipeline.outline import walk
from pipeline.spans import Assembly, LineIndex

_TITLE_END = regex.compile(r"[。]")
# A clause after the last of this many items (and no other) closes the whole group.
MIN_ITEMS_FOR_GROUP_CLAUSE = 2


class TaskDraft(BaseModel):
    """A task before inheritance and IDs: what its own text says."""

    number: int
    marker: str
    kind: str = Field(description="marker family, e.g. '一、' or '1.'")
    inferred: bool = False
    level: int = 1
    title: str
    title_span: Span
    own_text: str
    text_pieces: list[tuple[str, int]]
    lead: list[str] = Field(default_factory=list)
    responsible: list[str] = Field(default_factory=list)
    units_span: Span | None = None
    fallback_units: list[str] = Field(default_factory=list,
                                      description="units no known form covered, kept as printed")
    flags: list[Flag] = Field(default_factory=list)
    children: list[TaskDraft] = Field(default_factory=list)

    @property
    def states_units(self) -> bool:
        return bool(self.lead or self.responsible)


# --- which parts hold tasks ---------------------------------------------------------


def has_clauses(node: OutlineNode) -> bool:
    return any(find_responsibility_clauses(block.text)
               for item in walk([node]) for block in [item.heading, *item.body])


# --- drafts from the outline ----------------------------------------------------------


def node_to_draft(node: OutlineNode, level: int, lines: LineIndex) -> TaskDraft:
    heading = node.heading
    offset = heading.text.find(node.heading_text) if node.heading_text else len(heading.text)
    pieces = [(node.heading_text, heading.span.start + max(offset, 0))]
    pieces += [(block.text.strip(), block.span.start + _indent(block.text)) for block in node.body]
    assembly = Assembly(pieces)
    clauses = find_responsibility_clauses(assembly.text)
    title, title_end = _title(node.heading_text, clauses)
    start = pieces[0][1]
    draft = TaskDraft(number=node.number, marker=node.marker, kind=node.kind,
                      inferred=node.inferred,
                      level=level, title=title, title_span=lines.span(start, start + title_end),
                      own_text=assembly.text, text_pieces=pieces)
    if node.inferred:
        draft.flags.append(Flag(code="marker_inferred", field="number",
                                reason=f"the heading lost its marker; {node.marker} follows "
                                       "from the sequence"))
    _read_units(draft, assembly, clauses, lines)
    draft.children = [node_to_draft(child, level + 1, lines) for child in node.children]
    _lift_group_clause(draft)
    return draft


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _title(heading_text: str, clauses: list[Located[Responsibility]]) -> tuple[str, int]:
    """The heading up to its first 。 or responsibility clause, whitespace removed.

    `clauses` are those of the item's text, which starts with the heading.
    """
    end = len(heading_text)
    stop = _TITLE_END.search(heading_text)
    if stop:
        end = stop.start()
    if clauses:
        end = min(end, clauses[0].start)
    return squash(heading_text[:end]), end


def _read_units(draft: TaskDraft, assembly: Assembly, clauses: list[Located[Responsibility]],
                lines: LineIndex) -> None:
    for clause in clauses:
        draft.lead += [unit.value for unit in clause.value.lead if unit.value not in draft.lead]
        draft.responsible += [unit.value for unit in clause.value.responsible
                              if unit.value not in draft.responsible]
        draft.fallback_units += [unit.value for unit in clause.value.unrecognised
                                 if unit.value not in draft.fallback_units]
    if clauses:
        start, end = assembly.source_range(clauses[0].start, clauses[-1].end)
        draft.units_span = lines.span(start, end)
        for phrase in find_lead_phrases(assembly.text):
            if phrase.value not in draft.lead:
                draft.lead.append(phrase.value)
        draft.responsible = [unit for unit in draft.responsible if unit not in draft.lead]


def _lift_group_clause(draft: TaskDraft) -> None:
    """A clause closing a group's last item, where no other item has one, is the group's.

    With a single item the clause is that item's: nothing shows it closes a group.
    """
    if draft.states_units or len(draft.children) < MIN_ITEMS_FOR_GROUP_CLAUSE:
        return
    stating = [child for child in draft.children if child.states_units]
    last = draft.children[-1]
    if stating == [last] and not last.children:
        draft.lead, draft.responsible, draft.units_span, draft.fallback_units = \
            last.lead, last.responsible, last.units_span, last.fallback_units
        last.lead, last.responsible, last.units_span, last.fallback_units = [], [], None, []
        draft.flags.append(Flag(code="group_clause", field="responsible_units",
                                reason="the responsibility clause after the group's last item "
                                       "was read as the group's"))


# --- drafts to records ------------------------------------------------------------------


def drafts_to_tasks(drafts: list[TaskDraft], notice_id: str, lines: LineIndex,
                    first_listed_leads: bool) -> list[Task]:
    tasks: list[Task] = []
    seen: set[str] = set()

    def visit(draft: TaskDraft, path: list[str], inherited: TaskDraft | None) -> None:
        number = str(draft.number)
        own_path = [*path, number]
        source = draft if draft.states_units else inherited
        task_id = f"{notice_id}/task/{'.'.join(own_path)}"
        while task_id in seen:
            task_id += "+"
        seen.add(task_id)
        tasks.append(_draft_to_task(draft, task_id, own_path, source, lines, first_listed_leads))
        for child in draft.children:
            visit(child, own_path, source)

    for draft in drafts:
        visit(draft, [], None)
    return tasks


def _draft_to_task(draft: TaskDraft, task_id: str, path: list[str], source: TaskDraft | None,
                   lines: LineIndex, first_listed_leads: bool) -> Task:
    lead = list(source.lead) if source else []
    responsible = list(source.responsible) if source else []
    if first_listed_leads and not lead and responsible:
        lead, responsible = responsible[:1], responsible[1:]
    sources = {"title": draft.title_span}
    if source is not None and source.units_span is not None:
        sources["responsible_units"] = source.units_span
    flags = list(draft.flags)
    if source is not None and source is not draft:
        flags.append(Flag(code="units_inherited", field="responsible_units",
                          reason="the item names no units; those of its enclosing item apply"))
    if source is not None:
        flags += _fallback_flags(source.fallback_units, lead, responsible)
    assembly = Assembly(draft.text_pieces)
    own = _without_clauses(assembly.text)
    return Task(
        id=task_id, number=str(draft.number), marker=draft.marker, level=draft.level,
        parent=path[-2] if len(path) > 1 else None, path=path, title=draft.title,
        text=assembly.text, lead_units=lead, responsible_units=responsible,
        figures=_figures(own, assembly, lines), deadline_years=find_deadline_years(own),
        flags=flags, sources=sources,
    )


def _fallback_flags(fallback: list[str], lead: list[str], responsible: list[str]) -> list[Flag]:
    """One flag for each units field that holds a unit kept as printed."""
    flags = []
    for field, units in (("lead_units", lead), ("responsible_units", responsible)):
        found = [unit for unit in units if unit in fallback]
        if found:
            flags.append(units_fallback_flag(field, found))
    return flags


def _without_clauses(text: str) -> str:
    """The item's text with responsibility clauses blanked out, offsets kept."""
    for clause in find_responsibility_clauses(text):
        text = text[:clause.start] + " " * (clause.end - clause.start) + text[clause.end:]
    return text


def _figures(own: str, assembly: Assembly, lines: LineIndex):
    figures = []
    for found in find_figures(own):
        start, end = assembly.source_range(found.start, found.end)
        figures.append(found.value.model_copy(update={"span": lines.span(start, end)}))
    return figures
