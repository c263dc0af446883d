"""A notice layout to an article page of a Chinese government website.

Site header and menu, breadcrumbs, the 信息公开 metadata table (only the
rows the notice has values for), the article in `div.TRS_Editor` as the
sites' CMS (TRS WCM) prints it after a paste from Word: `<p>` paragraphs and
tables with rowspan/colspan, several `<p>` in a cell for stacked lines.
Then the footer, and scripts.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from samples_grids import Grid, GridCell, place_cells
from samples_layout import NoticeLayout, Para, Role

# The site each sample is published on. Codes are placeholders of the real formats.
@dataclass(frozen=True)
class Site:
    name: str
    host: str
    site_code: str  # 网站标识码: ten digits
    icp: str  # ICP备案号
    column: str = "通知公告"


SITES = {
    "000_1d3b4e9bec569f5b": Site(name="鹤壁市人民政府", host="www.example-hebi.gov.cn",
                                 site_code="4106000000", icp="豫ICP备00000000号"),
    "004_96d89b5e45fd7fea": Site(name="枣庄市薛城区人民政府", host="www.example-xuecheng.gov.cn",
                                 site_code="3704030000", icp="鲁ICP备00000000号"),
}
DEFAULT_SITE = Site(name="人民政府", host="www.example.gov.cn", site_code="0000000000",
                    icp="ICP备00000000号")
MENU = ("首页", "政务公开", "政务服务", "互动交流", "走进本地")
# Line ends of the page: GBK pages come from an older CMS on Windows.
NEWLINES = {"utf-8": "\n", "gbk": "\r\n"}
META_CHARSETS = {"utf-8": "utf-8", "gbk": "gb2312"}
# Width of the article column in px, for the tables' cell widths (cm scaled to it).
ARTICLE_PX = 900


def layout_to_html(layout: NoticeLayout, encoding: str) -> bytes:
    site = SITES.get(layout.stem, DEFAULT_SITE)
    pub_date = (f'<meta name="PubDate" content="{layout.published}">\n'
                if layout.published else "")  # no publication date: no meta, as for the table
    body = "\n".join(_article_item(item) for item in layout.items
                     if not (isinstance(item, Para) and item.role is Role.title))
    page = _PAGE.format(
        charset=META_CHARSETS[encoding], title=escape(layout.title), site=escape(site.name),
        host=site.host, menu=_menu(), column=escape(site.column),
        metadata=_metadata_table(layout), article=body, site_code=site.site_code,
        icp=escape(site.icp),
        pub_date=pub_date,
        source=escape(layout.issuer or site.name),
    )
    page = page.replace("\n", NEWLINES[encoding])
    return page.encode(encoding, errors="xmlcharrefreplace")


def _menu() -> str:
    return "\n".join(f'      <li><a href="/{index}/index.html">{escape(name)}</a></li>'
                     for index, name in enumerate(MENU))


def _metadata_table(layout: NoticeLayout) -> str:
    """索引号, 发文机关, 发文字号, 成文日期, 发布日期: a row only where the notice has a value."""
    rows = [("索引号", None), ("发文机关", layout.issuer), ("发文字号", layout.doc_number),
            ("成文日期", _chinese_date(layout.date)), ("发布日期", _chinese_date(layout.published))]
    cells = "\n".join(f'        <tr><th>{label}:</th><td>{escape(value)}</td></tr>'
                      for label, value in rows if value)
    return f'      <table class="xxgk-table">\n{cells}\n      </table>'


def _chinese_date(iso: str | None) -> str | None:
    if not iso:
        return None
    year, month, day = iso.split("-")
    return f"{year}年{month}月{day}日"


# --- article ---------------------------------------------------------------------------

_PARAGRAPH_STYLES = {
    Role.red_header: "text-align:center;color:#c00000;font-size:26px",
    Role.caption: "text-align:center",
    Role.attachment: "",
    Role.signature: "text-align:right",
}
_BOLD_ROLES = {Role.red_header, Role.caption, Role.attachment, Role.heading}


def _article_item(item: Para | Grid) -> str:
    if isinstance(item, Grid):
        return grid_to_html(item)
    style = _PARAGRAPH_STYLES.get(item.role, "text-indent:2em")
    text = escape(item.marker + item.text)
    if item.role in _BOLD_ROLES:
        text = f"<strong>{text}</strong>"
    return f'<p style="{style}">{text}</p>' if style else f"<p>{text}</p>"


def grid_to_html(grid: Grid) -> str:
    widths = [round(cm / sum(grid.widths_cm) * ARTICLE_PX) for cm in grid.widths_cm]
    rows: list[list[str]] = [[] for _ in range(1 + len(grid.rows))]
    for (row, column), cell in place_cells([grid.header, *grid.rows]):
        width = sum(widths[column:column + cell.col_span])
        rows[row].append(_cell_html(cell, width, header=row == 0))
    return "\n".join(['<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" '
                      'style="border-collapse:collapse;width:100%">', "<tbody>",
                      *("<tr>" + "".join(cells) + "</tr>" for cells in rows),
                      "</tbody>", "</table>"])


def _cell_html(cell: GridCell, width: int, header: bool) -> str:
    spans = (f' rowspan="{cell.row_span}"' if cell.row_span > 1 else "") + \
            (f' colspan="{cell.col_span}"' if cell.col_span > 1 else "")
    align = "center" if header or cell.field in {"target_group", "seq", "service_type",
                                                  "lead_units", "responsible_units"} else "left"
    paragraphs = []
    for line in cell.lines:
        text = escape(line) if line else "&nbsp;"
        if header or cell.field == "group":
            text = f"<strong>{text}</strong>"
        paragraphs.append(f'<p style="text-align:{align}">{text}</p>')
    return f'<td width="{width}" valign="middle"{spans}>{"".join(paragraphs)}</td>'


_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="{charset}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="SiteName" content="{site}">
<meta name="SiteDomain" content="{host}">
<meta name="SiteIDCode" content="{site_code}">
<meta name="ColumnName" content="{column}">
<meta name="ArticleTitle" content="{title}">
{pub_date}<meta name="ContentSource" content="{source}">
<title>{title}_{column}_{site}</title>
<link rel="stylesheet" href="/css/common.css">
<style>
  body {{ margin: 0; font-family: "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }}
  .header {{ background: #b40000; color: #fff; padding: 18px 40px; }}
  .header .logo {{ font-size: 30px; font-weight: bold; }}
  .nav ul {{ list-style: none; margin: 0; padding: 0 40px; background: #8c0000; }}
  .nav li {{ display: inline-block; padding: 10px 24px; }}
  .nav a {{ color: #fff; text-decoration: none; }}
  .position {{ width: 1000px; margin: 12px auto; color: #666; }}
  .xxgk-table {{ width: 1000px; margin: 0 auto; border-collapse: collapse; }}
  .xxgk-table th, .xxgk-table td {{ border: 1px solid #ddd; padding: 6px 10px; text-align: left; }}
  .article {{ width: 1000px; margin: 20px auto; }}
  .article h1 {{ text-align: center; font-size: 24px; color: #333; }}
  .TRS_Editor p {{ font-size: 16px; line-height: 2em; margin: 0; }}
  .TRS_Editor table p {{ font-size: 14px; line-height: 1.5em; text-indent: 0; }}
  .footer {{ background: #eee; color: #555; text-align: center; padding: 20px; font-size: 13px; }}
</style>
<script type="text/javascript">
  var _hmt = _hmt || [];
  var siteIdCode = "{site_code}";
</script>
</head>
<body>
<div class="header">
  <div class="logo">{site}</div>
  <div class="search">
    <form action="/search" method="get">
      <input type="text" name="q" placeholder="请输入关键词"><button type="submit">搜索</button>
    </form>
  </div>
</div>
<div class="nav">
  <ul>
{menu}
  </ul>
</div>
<div class="position">您的位置:<a href="/0/index.html">首页</a> &gt; \
<a href="/1/index.html">政务公开</a> &gt; <a href="/1/tzgg/index.html">{column}</a></div>
<div class="xxgk">
{metadata}
</div>
<div class="article">
  <h1>{title}</h1>
  <div class="article-tools">【字体:<a href="javascript:setFontSize(20)">大</a> \
<a href="javascript:setFontSize(16)">中</a> <a href="javascript:setFontSize(14)">小</a>】 \
<a href="javascript:window.print()">打印本页</a></div>
  <div class="TRS_Editor">
{article}
  </div>
</div>
<div class="footer">
  <p>主办:{source} 版权所有:{site}</p>
  <p>网站标识码:{site_code} <a href="https://beian.miit.gov.cn/">{icp}</a></p>
</div>
<script type="text/javascript">
  function setFontSize(size) {{
    var paragraphs = document.querySelectorAll(".TRS_Editor p");
    for (var i = 0; i < paragraphs.length; i++) {{ paragraphs[i].style.fontSize = size + "px"; }}
  }}
</script>
<script type="text/javascript" src="/js/jquery.min.js"></script>
</body>
</html>
"""
