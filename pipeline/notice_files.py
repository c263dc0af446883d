"""Which files of a folder make one notice: a notice and its attachment files.

Users download a notice with its 附件 files. With no configuration:

- in a folder holding one notice, the files named 附件…/附表… (附件1 基本养老服务清单.xlsx)
  are its attachments;
- in any folder, files named after a notice then 附件/附表 (通知_附件1.xlsx,
  通知附件2 职责分工表.docx) are that notice's attachments.

An attachment-named file in a folder of several notices, none of whose names
it starts with, is read as a notice of its own, with a note saying so; an
explicit list (`--attach NOTICE FILE …`) covers that and any other case.
Attachments are read in their number's order (附件1, 附件2 …), then by name.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import regex
from pydantic import BaseModel, Field

from pipeline.markers import to_int

# A file named as an attachment: its owner's name (maybe none), then 附件 or 附表 and a number.
_ATTACHMENT_NAME = regex.compile(
    r"^(?P<owner>.*?)[\s_\-—－·.、:：()（）]*(?:附\s*件|附\s*表)\s*(?P<number>\d+|[一二三四五六七八九十]+)?")


class NoticeFiles(BaseModel):
    """One notice: its own file, its attachment files, and notes for the reviewer."""

    notice: Path
    attachments: list[Path] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


def group_notice_files(files: list[Path],
                       explicit: dict[Path, list[Path]] | None = None) -> Iterator[NoticeFiles]:
    """The notices among `files` (paths of one or more folders), each with its attachments.

    `explicit` maps a notice to attachment files given by hand; those files are
    no notices of their own. Notices keep the order of `files`, and come one at
    a time: a batch of thousands is planned without holding them all.
    """
    explicit = explicit or {}
    attached_by_hand = {path for paths in explicit.values() for path in paths}
    candidates = [path for path in files if path not in attached_by_hand]
    by_folder: dict[Path, list[Path]] = defaultdict(list)
    for path in candidates:
        by_folder[path.parent].append(path)
    owner_of: dict[Path, Path] = {}
    notes: dict[Path, list[str]] = defaultdict(list)
    for siblings in by_folder.values():
        owner_of.update(_owners(siblings, notes))
    attached_to: dict[Path, list[Path]] = defaultdict(list)  # a batch of thousands: one pass
    for file, owner in owner_of.items():
        attached_to[owner].append(file)
    for path in candidates:
        if path not in owner_of:
            yield NoticeFiles(notice=path, notes=notes[path], attachments=[
                *explicit.get(path, []), *sorted(attached_to.get(path, ()), key=_order)])


def _owners(siblings: list[Path], notes: dict[Path, list[str]]) -> dict[Path, Path]:
    """Attachment file -> its notice, among the files of one folder."""
    named = {path: _ATTACHMENT_NAME.match(path.stem) for path in siblings}
    plain = {path.stem for path, match in named.items() if match is None}
    # 关于印发附件的通知.pdf names no notice before its 附件: it is a notice itself.
    attached = {path: match["owner"].strip() for path, match in named.items()
                if match is not None and match["owner"].strip() in plain | {""}}
    notices = [path for path in siblings if path not in attached]
    stems = {path.stem: path for path in notices}
    owners: dict[Path, Path] = {}
    for path, owner in attached.items():
        if owner:  # 通知_附件1.xlsx beside 通知.pdf
            owners[path] = stems[owner]
        elif len(notices) == 1:  # 附件1 ….xlsx in a folder of one notice
            owners[path] = notices[0]
        elif notices:
            notes[path].append(f"named as an attachment, but its folder holds {len(notices)} "
                               "notices: read as a notice of its own (attach it with --attach)")
    return owners


def _order(path: Path) -> tuple[int, str]:
    match = _ATTACHMENT_NAME.match(path.stem)
    number = match["number"] if match else None
    try:
        return (to_int(number) if number else 0, path.name)
    except ValueError:  # 附件十十: numeral characters that are no number
        return (0, path.name)
