"""Who leads each task and who shares it: every role decision, in one declared order.

The clauses (`pipeline.extract.clauses`, and a duty table's unit columns) say
who is named and how; this module decides what that means for each task:

1. An item's own clauses: each unit keeps the role its clause gives it (a
   牵头单位 label or a 牵头 phrase: lead; everything else: responsible), each
   unit once, a unit that leads in any clause a lead. A lead phrase (由A牵头)
   adds leads only to an item that has a clause.
2. A stated rule that the first listed unit leads (排在第一位的为牵头部门，下同)
   makes the first unit of its own clause and of each later clause without a
   lead its lead; stated after every clause (a closing note), it governs them all.
3. A standing unit (以下均需X落实，不再列出) joins every later item that names units.
4. A clause after a group's last item, where no other item of the group has
   one, is the group's.
5. An item that names no units takes those of the nearest enclosing item that does.
"""
from __future__ import annotations

from collections.abc import Iterator

from pipeline.extract.clauses import ClauseForm, RuleKind
from pipeline.flags import group_clause_flag, units_inherited_flag
from pipeline.model import Clause, RoleRule, UnitMention
from pipeline.parse.task_list import TaskDraft

# A clause after the last of this many items (and no other) closes the whole group.
MIN_ITEMS_FOR_GROUP_CLAUSE = 2


def assign_roles(drafts: list[TaskDraft], rules: list[RoleRule]) -> None:
    """Fill each draft's `lead` and `responsible`, and flag what was inferred."""
    clauses = [clause for draft in walk(drafts) for clause in draft.clauses]
    last_clause = max((clause.span.end for clause in clauses), default=0)
    first_listed = [rule.span.start for rule in rules if rule.kind == RuleKind.first_listed_leads]
    # A rule stated after every clause (a closing note) governs them all.
    first_listed = [0 if start > last_clause else start for start in first_listed]
    standing = [rule for rule in rules if rule.kind == RuleKind.standing_units]
    for draft in walk(drafts):
        _own_roles(draft, first_listed, standing)
    for draft in walk_up(drafts):
        _lift_group_clause(draft)
    for draft in drafts:
        _inherit(draft, None)


def walk(drafts: list[TaskDraft]) -> Iterator[TaskDraft]:
    for draft in drafts:
        yield draft
        yield from walk(draft.children)


def walk_up(drafts: list[TaskDraft]) -> Iterator[TaskDraft]:
    """Children before their parent, so a nested group is lifted before the group around it."""
    for draft in drafts:
        yield from walk_up(draft.children)
        yield draft


def _own_roles(draft: TaskDraft, first_listed: list[int], standing: list[RoleRule]) -> None:
    statements = [clause for clause in draft.clauses if clause.form != ClauseForm.lead_phrase]
    named: list[UnitMention] = []
    for clause in statements:
        named += _with_first_listed_lead(clause, first_listed)
    if statements:
        named += [unit for clause in draft.clauses if clause.form == ClauseForm.lead_phrase
                  for unit in clause.units]
        named += [unit for rule in standing if rule.span.start < draft.title_span.start
                  for unit in rule.units]
    leads = {unit.name for unit in named if unit.role == "lead"}
    seen: set[str] = set()
    for unit in named:
        if unit.name in seen:
            continue
        seen.add(unit.name)
        if unit.name in leads:
            draft.lead.append(unit.model_copy(update={"role": "lead"}))
        else:
            draft.responsible.append(unit)


def _with_first_listed_lead(clause: Clause, first_listed: list[int]) -> list[UnitMention]:
    units = list(clause.units)
    governed = any(start <= clause.span.end for start in first_listed)
    if governed and units and not any(unit.role == "lead" for unit in units):
        units[0] = units[0].model_copy(update={"role": "lead"})
    return units


def _lift_group_clause(draft: TaskDraft) -> None:
    """A clause closing a group's last item, where no other item has one, is the group's.

    With a single item the clause is that item's: nothing shows it closes a group.
    """
    if draft.states_units or len(draft.children) < MIN_ITEMS_FOR_GROUP_CLAUSE:
        return
    stating = [child for child in draft.children if child.states_units]
    last = draft.children[-1]
    if stating == [last] and not last.children:
        draft.lead, draft.responsible = last.lead, last.responsible
        last.lead, last.responsible = [], []
        draft.flags.append(group_clause_flag())


def _inherit(draft: TaskDraft, source: TaskDraft | None) -> None:
    if draft.states_units:
        source = draft
    elif source is not None:
        draft.lead, draft.responsible = list(source.lead), list(source.responsible)
        draft.flags.append(units_inherited_flag())
    for child in draft.children:
        _inherit(child, source)
