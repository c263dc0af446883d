"""Heading tree: nesting by marker family and markers restored from the sequence."""
from pipeline.outline import blocks_to_outline, walk
from pipeline.segment import text_to_blocks


def outline(text):
    return blocks_to_outline(text_to_blocks(text))


def test_marker_families_nest_in_order_of_first_use():
    roots = outline("一、总体要求\n(一)指导思想\n正文。\n二、重点任务\n(一)建立制度\n1.落实清单。\n2.加强统计。\n(二)完善设施\n")
    assert [(n.marker, len(n.children)) for n in roots] == [("一、", 1), ("二、", 2)]
    assert [c.number for c in roots[1].children[0].children] == [1, 2]


def test_lost_marker_inferred_after_a_group_clause():
    text = ("三、主要任务\n(一)建立档案\n1.开展普查。\n2.建立清单。\n(责任单位:县民政局,各乡镇人民政府)\n"
            "加强服务队伍建设,提升服务水平\n1.开展培训。\n2.实施奖补。\n(责任单位:县人社局)\n(三)推进医养结合\n")
    roots = outline(text)
    groups = roots[0].children
    assert [(g.marker, g.number, g.inferred) for g in groups] == [
        ("(一)", 1, False), ("(二)", 2, True), ("(三)", 3, False)]
    assert groups[1].heading_text == "加强服务队伍建设,提升服务水平"


def test_marker_that_lost_its_punctuation():
    roots = outline("二、任务\n(九)完善设施\n1.建设站点。\n(十)提升服务\n十一打造“十百千”工程,创新服务体系\n")
    assert [(g.number, g.inferred) for g in roots[0].children] == [(9, False), (10, False), (11, True)]


def test_enumerations_are_not_markers():
    roots = outline("(三)实施工程\n一是加大投入。\n二是强化兜底。\n四是提高参与度。\n")
    assert len(roots) == 1 and roots[0].children == []
    assert len(roots[0].body) == 3


def test_short_line_before_a_list_is_not_a_heading_without_evidence():
    roots = outline("一、基本原则\n坚持以下原则\n1.保基本。\n2.广覆盖。\n")
    assert [n.number for n in walk(roots)] == [1, 1, 2]


def test_attachment_line_ends_the_body():
    roots = outline("一、任务\n(一)落实清单。\n附件:某市基本养老服务清单\n2024年6月4日\n")
    assert roots[0].children[0].body == []


def test_the_entries_of_an_attachment_list_are_no_headings():
    text = ("一、加强组织领导。各镇要高度重视。\n附件:1、推进基本养老服务体系建设职责分工表;\n"
            "2、薛城区基本养老服务清单\n")
    assert [node.heading_text for node in outline(text)] == ["加强组织领导。各镇要高度重视。"]


def test_numbered_notes_after_a_note_label_are_no_headings():
    text = "一、指标体系\n(一)医疗质量。\n注:\n1.三级公立综合医院考核应采用上述全部考核指标。\n2.标记的指标为国家监测指标。\n"
    assert [(node.heading_text, len(node.children)) for node in outline(text)] == [("指标体系", 1)]
