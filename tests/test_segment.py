"""Lines to blocks and tables: the three text shapes of a table, pages, headers."""
from pipeline.model import BlockKind, TableKind
from pipeline.segment import blocks_to_tables, category_lines_to_rows, column_fields, text_to_blocks

PIPE_TABLE = """附件
某市基本养老服务清单
服务对象 | 服务项目 | 服务内容 | 服务类型 | 牵头部门 | |
60周岁及以上老年人 | 1 | 老年人优待 | 提供公共交通优惠。 | 关爱 服务 | 市交通运输局 |
2 | 法律援助 | 提供法律援助。 | 关爱服务 | 市司法局 | |
"""


def test_pipe_rows_keep_their_cells_and_offsets():
    blocks = text_to_blocks(PIPE_TABLE)
    row = blocks[3]
    assert row.kind is BlockKind.table_row
    assert [cell.text for cell in row.cells][:3] == ["60周岁及以上老年人", "1", "老年人优待"]
    for cell in row.cells:
        assert PIPE_TABLE[cell.span.start:cell.span.end] == cell.text
    assert row.span.line == 4


def test_tab_table_split_by_repeated_header_becomes_pages():
    text = ("对象\t服务项目\t服务内容\t服务类型\t牵头落实部门\n"
            "高龄老年人\t1 高龄津贴\t发放津贴。\t物质帮助\t市民政局\n"
            "- 2 -\n"
            "对象\t服务项目\t服务内容\t服务类型\t牵头落实部门\n"
            "\t2 探访服务\t上门探访。\t关爱服务\t市民政局\n")
    tables = blocks_to_tables(text_to_blocks(text))
    assert len(tables) == 1 and tables[0].kind is TableKind.catalogue
    assert [len(page.rows) for page in tables[0].pages] == [1, 1]


def test_space_aligned_rows_follow_a_header():
    text = ("服务对象    服务项目    服务内容    牵头部门\n"
            "特困老年人    分散供养    提供基本生活条件。    县民政局\n")
    blocks = text_to_blocks(text)
    assert [block.kind for block in blocks] == [BlockKind.table_row, BlockKind.table_row]
    assert [cell.text for cell in blocks[1].cells] == ["特困老年人", "分散供养",
                                                       "提供基本生活条件。", "县民政局"]


def test_prose_with_wide_spaces_is_not_a_table():
    blocks = text_to_blocks("某市人民政府办公室        2023年4月24日印发\n")
    assert blocks[0].kind is BlockKind.paragraph


def test_duty_table_is_told_from_a_catalogue():
    row = text_to_blocks("序号\t重点任务\t牵头单位\t责任单位\n")[0]
    fields = column_fields(row.cells)
    assert fields == ["seq", "name", "lead_units", "responsible_units"]
    assert blocks_to_tables([row])[0].kind is TableKind.duties


def test_full_width_text_is_folded_without_moving_offsets():
    text = "（一）加强组织领导。\n"
    block = text_to_blocks(text)[0]
    assert block.text.startswith("(一)") and block.span.end - block.span.start == len(text) - 1


def test_a_two_cell_row_under_pipe_rows_needs_one_pipe_and_two_filled_cells():
    text = ("序号 | 服务项目 | 责任分工\n"
            "支出责任 | 牵头部门\n"
            "1 | 高龄津贴 | 县财政 | 县民政局\n"
            "备注:标*的为本地项目。 |\n"
            "收费标准见附表 | 另行公布\n")
    kinds = [block.kind for block in text_to_blocks(text)]
    assert kinds[:3] == [BlockKind.table_row] * 3
    assert kinds[3] is BlockKind.paragraph  # a trailing "|" closes a note, it opens no cell
    assert kinds[4] is BlockKind.paragraph  # not under a "|" row


def test_category_lines_inside_a_catalogue_become_rows_but_a_heading_after_it_does_not():
    text = ("服务对象 | 服务项目 | 服务内容 | 牵头部门\n"
            "一、物质帮助类\n"
            "80周岁及以上老年人 | 高龄津贴 | 发放津贴。 | 县民政局\n"
            "二、保障措施\n"
            "各部门要加强组织领导,确保各项服务落实到位,并按规定公开服务信息。\n")
    blocks = category_lines_to_rows(text_to_blocks(text))
    assert [block.kind for block in blocks] == [BlockKind.table_row, BlockKind.table_row,
                                                BlockKind.table_row, BlockKind.paragraph,
                                                BlockKind.paragraph]
