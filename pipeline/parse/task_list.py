"""The key-task parts of a notice to `Task` records.

Tasks come from the body's heading tree (the parts `task_parts` chooses) and
from 职责分工表 tables; both become `TaskDraft`s holding what their own text
says: title, text, and the responsibility clauses found in it (once, as typed
records with spans). `pipeline.roles` then decides each draft's lead and
responsible units; the drafts become records with IDs, figures and deadlines.
"""
from __future__ import annotations

import regex
from pydantic import BaseModel, Field

from pipeline.extract.clauses import ClauseForm, FoundClause, find_clauses
from pipeline.extract.quantities import find_deadline_years, find_figures
from pipeline.flags import marker_inferred_flag, units_fallback_flag
from pipeline.model import Clause, Flag, OutlineNode, Span, Task, UnitMention
from pipeline.normalise import squash
from pipeline.outline import walk
from pipeline.spans import Assembly, LineIndex, cover

_TITLE_END = regex.compile(r"[。]")


class TaskDraft(BaseModel):
    """A task before its roles are decided and it gets its ID: what its own text says."""

    number: int
    marker: str
    kind: str = Field(description="marker family, e.g. '一、' or '1.'")
    inferred: bool = False
    level: int = 1
    title: str
    title_span: Span
    own_text: str
    text_pieces: list[tuple[str, int]]
    clause_ranges: list[tuple[int, int]] = Field(
        default_factory=list, description="clauses in own_text, left out of the figures")
    clauses: list[Clause] = Field(default_factory=list)
    lead: list[UnitMention] = Field(default_factory=list, description="decided by pipeline.roles")
    responsible: list[UnitMention] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    children: list[TaskDraft] = Field(default_factory=list)

    @property
    def states_units(self) -> bool:
        return bool(self.lead or self.responsible)


# --- which parts hold tasks ---------------------------------------------------------


def names_units(node: OutlineNode) -> bool:
    """Whether a part's items carry responsibility clauses (a lead phrase alone is none)."""
    return any(clause.form != ClauseForm.lead_phrase
               for item in walk([node]) for block in [item.heading, *item.body]
               for clause in find_clauses(block.text))


# --- drafts from the outline ----------------------------------------------------------


def node_to_draft(node: OutlineNode, level: int, lines: LineIndex) -> TaskDraft:
    heading = node.heading
    offset = heading.text.find(node.heading_text) if node.heading_text else len(heading.text)
    pieces = [(node.heading_text, heading.span.start + max(offset, 0))]
    pieces += [(block.text.strip(), block.span.start + _indent(block.text)) for block in node.body]
    assembly = Assembly(pieces)
    found = find_clauses(assembly.text)
    title, title_end = _title(node.heading_text, found)
    start = pieces[0][1]
    draft = TaskDraft(number=node.number, marker=node.marker, kind=node.kind,
                      inferred=node.inferred, level=level, title=title,
                      title_span=lines.span(start, start + title_end),
                      own_text=assembly.text, text_pieces=pieces,
                      clause_ranges=[(clause.start, clause.end) for clause in found],
                      clauses=[found_to_clause(clause, assembly, lines) for clause in found])
    if node.inferred:
        draft.flags.append(marker_inferred_flag(node.marker))
    draft.children = [node_to_draft(child, level + 1, lines) for child in node.children]
    return draft


def found_to_clause(found: FoundClause, assembly: Assembly, lines: LineIndex) -> Clause:
    """A clause found in an item's joined text, with spans into the notice's text."""
    def span(start: int, end: int) -> Span:
        return lines.span(*assembly.source_range(start, end))

    return Clause(form=found.form.value, span=span(found.start, found.end),
                  units=[UnitMention(name=unit.name, role=unit.role, known=unit.known,
                                     span=span(unit.start, unit.end)) for unit in found.units])


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _title(heading_text: str, clauses: list[FoundClause]) -> tuple[str, int]:
    """The heading up to its first 。 or responsibility clause, whitespace removed.

    `clauses` are those of the item's text, which starts with the heading.
    """
    end = len(heading_text)
    stop = _TITLE_END.search(heading_text)
    if stop:
        end = stop.start()
    statements = [clause for clause in clauses if clause.form != ClauseForm.lead_phrase]
    if statements:
        end = min(end, statements[0].start)
    return squash(heading_text[:end]), end


# --- drafts to records ------------------------------------------------------------------


def drafts_to_tasks(drafts: list[TaskDraft], notice_id: str, lines: LineIndex) -> list[Task]:
    """Records with IDs from the notice and the item's number path, in document order."""
    tasks: list[Task] = []
    seen: set[str] = set()

    def visit(draft: TaskDraft, path: list[str]) -> None:
        own_path = [*path, str(draft.number)]
        task_id = f"{notice_id}/task/{'.'.join(own_path)}"
        while task_id in seen:
            task_id += "+"
        seen.add(task_id)
        tasks.append(_draft_to_task(draft, task_id, own_path, lines))
        for child in draft.children:
            visit(child, own_path)

    for draft in drafts:
        visit(draft, [])
    return tasks


def _draft_to_task(draft: TaskDraft, task_id: str, path: list[str], lines: LineIndex) -> Task:
    sources = {"title": draft.title_span}
    flags = list(draft.flags)
    inherited = any(flag.code == "units_inherited" for flag in flags)
    for field, units in (("lead_units", draft.lead), ("responsible_units", draft.responsible)):
        if units:
            sources[field] = cover([unit.span for unit in units])
        if units and not inherited:  # an inheriting item points at the clause it inherits
            sources.update({f"{field}/{index}": unit.span for index, unit in enumerate(units)})
        unknown = [unit.name for unit in units if not unit.known]
        if unknown:
            flags.append(units_fallback_flag(field, unknown))
    assembly = Assembly(draft.text_pieces)
    own = _blank(assembly.text, draft.clause_ranges)
    return Task(
        id=task_id, number=str(draft.number), marker=draft.marker, level=draft.level,
        parent=path[-2] if len(path) > 1 else None, path=path, title=draft.title,
        text=assembly.text, lead_units=[unit.name for unit in draft.lead],
        responsible_units=[unit.name for unit in draft.responsible],
        figures=_figures(own, assembly, lines), deadline_years=find_deadline_years(own),
        flags=flags, sources=sources,
    )


def _blank(text: str, ranges: list[tuple[int, int]]) -> str:
    """The text with the given ranges blanked out, offsets kept."""
    for start, end in ranges:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _figures(own: str, assembly: Assembly, lines: LineIndex):
    figures = []
    for found in find_figures(own):
        start, end = assembly.source_range(found.start, found.end)
        figures.append(found.value.model_copy(update={"span": lines.span(start, end)}))
    return figures
