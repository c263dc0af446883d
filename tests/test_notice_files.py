"""Which files make one notice: the attachment naming conventions, and --attach."""
from pathlib import Path

from pipeline.notice_files import group_notice_files


def groups(*names, explicit=None):
    found = group_notice_files([Path(name) for name in names], explicit)
    return {group.notice.as_posix(): [path.as_posix() for path in group.attachments]
            for group in found}


def test_a_folder_of_one_notice_takes_the_attachment_named_files_in_number_order():
    assert groups("鹤壁/通知.pdf", "鹤壁/附件2 职责分工表.docx", "鹤壁/附件1 基本养老服务清单.xlsx") == {
        "鹤壁/通知.pdf": ["鹤壁/附件1 基本养老服务清单.xlsx", "鹤壁/附件2 职责分工表.docx"]}


def test_files_named_after_a_notice_are_its_attachments_among_other_notices():
    assert groups("批次/甲通知.pdf", "批次/甲通知_附件1.xlsx", "批次/乙通知.docx",
                  "批次/乙通知附件一 职责分工表.docx", "批次/丙通知.html") == {
        "批次/甲通知.pdf": ["批次/甲通知_附件1.xlsx"],
        "批次/乙通知.docx": ["批次/乙通知附件一 职责分工表.docx"], "批次/丙通知.html": []}


def test_an_attachment_of_no_known_notice_is_read_alone_with_a_note():
    found = group_notice_files([Path("批次/甲.pdf"), Path("批次/乙.pdf"), Path("批次/附件1.xlsx")])
    alone = next(group for group in found if group.notice.name == "附件1.xlsx")
    assert alone.attachments == [] and "holds 2 notices" in alone.notes[0]


def test_a_notice_whose_title_holds_the_word_is_no_attachment():
    assert groups("d/关于印发附件管理办法的通知.pdf", "d/附件1 清单.xlsx") == {
        "d/关于印发附件管理办法的通知.pdf": ["d/附件1 清单.xlsx"]}


def test_attachments_given_by_hand_come_first_and_are_no_notices():
    assert groups("d/通知.pdf", "d/清单.xlsx", "d/附件2.docx",
                  explicit={Path("d/通知.pdf"): [Path("d/清单.xlsx")]}) == {
        "d/通知.pdf": ["d/清单.xlsx", "d/附件2.docx"]}


def test_folders_are_grouped_apart():
    assert groups("a/通知.pdf", "b/附件1.xlsx", "b/另一通知.pdf") == {
        "a/通知.pdf": [], "b/另一通知.pdf": ["b/附件1.xlsx"]}
