"""Which parts of a notice's body hold its key tasks, and which items are level 1.

The rule, in order:

1. Some notices assign no work: their document type (the title's end: 决定,
   批复, 复函, 通报, 条例 …, `vocab/genres_without_tasks.txt`) says so, their
   body is a regulation in articles (第一条 …), or every top-level part is a
   dated entry of a schedule (元旦：12月30日至1月1日放假). A notice issuing rules
   (关于印发…暂行办法的通知, `vocab/genres_of_rules.txt`) keeps only the parts
   that name responsible units.
2. A top-level part is a candidate unless it sets out aims, principles or
   scope (`vocab/task_part_preambles.txt`: 总体要求, 指导思想, …目标, …范围), or
   arranges how the work is done (`vocab/task_part_implementation.txt`: 保障措施,
   组织实施, 实施步骤 …) and names no responsible units.
3. A candidate headed as a task container (`vocab/task_containers.txt`: 主要任务,
   重点工作 …) gives its items as level-1 tasks, the other candidates stand as
   level-1 tasks only where they name units; without a container, the only
   candidate gives its items, and several candidates are each a level-1 task.
4. A notice that assigns its work in a 职责分工表 keeps, of its body, only the
   parts that name units or are containers: the table is its task list.
5. The task list is in one place: the notice's body, else the first attachment
   that holds one (附件: an issued plan); what other attachments number (an
   indicator list, a form) is not its tasks.
"""
from __future__ import annotations

from collections.abc import Callable

import regex

from pipeline.model import OutlineNode
from pipeline.normalise import squash
from pipeline.vocab import word_list

# A part's heading is read in phrases split at these: 总体要求和目标任务.
_PHRASE_BREAK = regex.compile(r"[,，、;；和与及]")
# The bracketed end of a title: (试行), (征求意见稿), (2018—2035年).
_TITLE_NOTE = regex.compile(r"\([^()]*\)$")
# A schedule's entry: a short label and its colon, then a date (元旦:12月30日至…).
_DATED_ENTRY = regex.compile(r"^\p{Han}{1,8}:.*?\d{1,2}月\d{1,2}日")
# An article of a regulation: 第一条, 第二十三条.
_ARTICLE = regex.compile(r"^\s*第[一二三四五六七八九十百零〇]+条")
_ATTACHMENT = regex.compile(r"^\s*附\s*件")
# A body with at least this many articles is a regulation.
MIN_ARTICLES = 3
# A notice issuing a document: 关于印发《…》的通知, 关于转发…的通知.
_ISSUES = regex.compile(r"(?:印发|转发|颁布|公布|发布)(?P<issued>.+?)》?的?(?:通知|函)$")


def heading_of(node: OutlineNode) -> str:
    """A part's heading: its line up to the first 。 (a part may run on into its text)."""
    return squash(node.heading_text).split("。", 1)[0]


def is_container(node: OutlineNode) -> bool:
    return any(word in heading_of(node) for word in word_list("task_containers"))


def is_preamble(node: OutlineNode) -> bool:
    """总体要求, 指导思想和基本原则, 集中采购范围及形式: aims, principles, scope.

    >>> from pipeline.model import Block, BlockKind, Span
    >>> def part(text):
    ...     heading = Block(kind=BlockKind.paragraph, text=text, span=Span(line=1, end_line=1, start=0, end=1))
    ...     return OutlineNode(kind="一、", number=1, marker="一、", heading=heading, heading_text=text)
    >>> [is_preamble(part(text)) for text in ("总体要求和目标任务", "集中采购范围及形式", "完善养老服务制度")]
    [True, True, False]
    """
    phrases = _PHRASE_BREAK.split(heading_of(node).rstrip(".:"))
    return any(phrase.endswith(word_list("task_part_preambles")) for phrase in phrases if phrase)


def is_implementation(node: OutlineNode) -> bool:
    return any(word in heading_of(node) for word in word_list("task_part_implementation"))


def assigns_no_work(title: str | None, roots: list[OutlineNode], articles: int = 0) -> bool:
    """A decision, approval, reply, bulletin or regulation; or a schedule of dated entries.

    >>> assigns_no_work("国务院关于河北雄安新区总体规划(2018—2035年)的批复", [])
    True
    >>> assigns_no_work("关于印发养老服务体系建设实施方案的通知", [])
    False
    """
    if title and _TITLE_NOTE.sub("", squash(title)).endswith(word_list("genres_without_tasks")):
        return True
    if articles >= MIN_ARTICLES:
        return True
    return bool(roots) and all(_DATED_ENTRY.match(squash(root.heading_text)) for root in roots)


def issues_rules(title: str | None) -> bool:
    """A notice issuing rules: 关于印发个人所得税专项附加扣除暂行办法的通知.

    >>> issues_rules("国务院关于印发《国务院工作规则》的通知"), issues_rules("关于印发实施方案的通知")
    (True, False)
    """
    issued = _ISSUES.search(_TITLE_NOTE.sub("", squash(title or "")))
    if issued is None:
        return False
    name = _TITLE_NOTE.sub("", issued["issued"].rstrip("》"))
    return name.endswith(word_list("genres_of_rules"))


def count_articles(paragraphs: list[str]) -> int:
    """How many paragraphs of the body open with an article number (第一条): rules
    attached to a notice (附件: …管理办法) do not make its body a regulation."""
    count = 0
    for text in paragraphs:
        if _ATTACHMENT.match(text):
            break
        count += bool(_ARTICLE.match(text))
    return count


def outline_to_task_roots(roots: list[OutlineNode], title: str | None,
                          states_units: Callable[[OutlineNode], bool],
                          duty_table: bool = False, articles: int = 0) -> list[OutlineNode]:
    """The outline nodes that are level-1 tasks, in document order."""
    if assigns_no_work(title, roots, articles):
        return []
    for part in sorted({root.attachment for root in roots}):
        level_one = _level_one([root for root in roots if root.attachment == part], title,
                               states_units, duty_table)
        if level_one:
            return level_one
    return []


def _level_one(roots: list[OutlineNode], title: str | None,
               states_units: Callable[[OutlineNode], bool], duty_table: bool) -> list[OutlineNode]:
    candidates = [root for root in roots if not is_preamble(root)
                  and (not is_implementation(root) or states_units(root))]
    if duty_table or issues_rules(title):
        candidates = [root for root in candidates if is_container(root) or states_units(root)]
    if any(is_container(root) for root in candidates):
        level_one: list[OutlineNode] = []
        for root in candidates:
            if is_container(root):
                level_one += root.children
            elif states_units(root):
                level_one.append(root)
        return level_one
    if len(candidates) == 1 and candidates[0].children:
        return candidates[0].children
    return candidates
