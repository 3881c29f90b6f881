"""HTML renderer: a government portal's article page with a Word-exported report in it.

Site chrome around the article (header, navigation, breadcrumb, share bar,
footer with 网站声明/版权所有/ICP), a publish line under the title, the body as
Word exports it (``<p class=MsoNormal>`` with nested ``<span>``/``<font>`` runs
split at arbitrary points, ``&nbsp;``, ``<o:p>``), tables with ``rowspan`` and
``colspan``. Some pages are GBK-encoded and declare ``gb2312``; some are old
portals that lay the whole page out in a table.
"""

from __future__ import annotations

import random
from html import escape

from .grid import Grid, GridCell, Style
from .model import Spec
from .page import DATE, HEADING, PARA, PUBLISH, SIGNER, TABLE, TITLE, Block, runs, site_of

FONTS = ("仿宋_GB2312", "宋体", "方正仿宋_GBK", "微软雅黑")
NAV = ("首页", "走进{site}", "政务公开", "政府信息公开", "政民互动", "办事服务", "数据开放")


def _runs(text: str, rng: random.Random, *, split: bool) -> str:
    """Text as Word-export runs: ``<span><font>`` pieces cut at arbitrary points."""
    pieces = runs(text, rng, 3) if split and len(text) > 6 else [text]
    font = rng.choice(FONTS)
    out = []
    for piece in pieces:
        inner = escape(piece, quote=False)
        if rng.random() < 0.5:
            inner = f'<font face="{font}">{inner}</font>'
        out.append(f'<span style="font-family:{font};font-size:16pt">{inner}</span>')
    return "".join(out)


def _paragraph(text: str, rng: random.Random, *, style: str = "text-indent:2em", bold: bool = False) -> str:
    body = _runs(text, rng, split=rng.random() < 0.5)
    if bold:
        body = f"<strong>{body}</strong>"
    tail = "<o:p></o:p>" if rng.random() < 0.3 else ""
    return f'<p class="MsoNormal" style="{style}">{body}{tail}</p>'


def _cell_html(cell: GridCell, rng: random.Random, nbsp: bool) -> str:
    lines = cell.text.split("\n")
    if not cell.text.strip():
        return '<p class="MsoNormal" align="center"><span>&nbsp;</span></p>'
    if cell.value and len(cell.text.strip()) > 1 and rng.random() < 0.1:  # digits in runs: <span>1</span>2
        spans = "".join(f"<span>{escape(piece, quote=False)}</span>" for piece in runs(cell.text.strip(), rng, 2))
        return f'<p class="MsoNormal" align="center">{spans}</p>'
    if len(lines) > 1 and rng.random() < 0.5:
        inner = "<br>".join(escape(line, quote=False) for line in lines)
        return f'<p class="MsoNormal" align="center"><span>{inner}</span></p>'
    paras = []
    for line in lines:
        text = escape(line.strip() if nbsp else line, quote=False)
        if nbsp and cell.value:
            text = f"&nbsp;{text}" if rng.random() < 0.5 else f"{text}&nbsp;"
        paras.append(f'<p class="MsoNormal" align="center"><span lang="EN-US">{text}</span>'
                     f'<span><o:p></o:p></span></p>')
    return "".join(paras)


def table_html(grid: Grid, rng: random.Random, *, nbsp: bool, th: bool = False) -> str:
    """A grid as a Word-exported HTML table; ``th``: header rows (those above the first value) in ``<th>``."""
    rows = []
    in_header = th
    for row in grid.rows():
        tds = []
        in_header = in_header and not any(cell.value for cell in row)
        tag = "th" if in_header else "td"
        for cell in row:
            spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            width = 40 * cell.colspan + rng.randint(0, 30)
            tds.append(f'<{tag} width="{width}" valign="center"{spans} style="border:solid windowtext 1.0pt;'
                       f'padding:0cm 5.4pt">{_cell_html(cell, rng, nbsp)}</{tag}>')
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return ('<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" '
            'style="border-collapse:collapse;border:none">\n<tbody>\n' + "\n".join(rows) + "\n</tbody></table>")


def _title_html(block: Block, rng: random.Random) -> str:
    if len(block.lines) > 1 and rng.random() < 0.5:
        inner = "<br>".join(escape(line, quote=False) for line in block.lines)
        return f'<h1 class="article-title">{inner}</h1>'
    if len(block.lines) > 1:
        return "\n".join(f'<p class="title" align="center"><b>{escape(line, quote=False)}</b></p>'
                         for line in block.lines)
    return f'<h1 class="article-title">{escape(block.lines[0], quote=False)}</h1>'


def _publish_html(text: str, spec: Spec, rng: random.Random, features: list[str]) -> str:
    if rng.random() < 0.1:
        features.append("html:meta-table")
        assert spec.published is not None
        return ('<table class="xxgk-meta"><tr><td>发布机构</td><td>' + escape(spec.agency) + '</td>'
                f'<td>发布日期</td><td>{spec.published:%Y-%m-%d}</td></tr></table>')
    spans = "".join(f"<span>{escape(part)}</span>" for part in text.split("  ") if part.strip())
    return f'<div class="info">{spans}<span class="font">字号：<a>大</a> <a>中</a> <a>小</a></span></div>'


def _body(blocks: list[Block], spec: Spec, rng: random.Random, features: list[str]) -> tuple[str, str]:
    """(head of the article: title and publish line, content: the report body)."""
    head: list[str] = []
    content: list[str] = []
    nbsp = rng.random() < 0.3
    th = rng.random() < 0.2
    if th:
        features.append("html:th")
    for block in blocks:
        if block.kind == TITLE:
            head.append(_title_html(block, rng))
        elif block.kind == PUBLISH:
            head.append(_publish_html(block.text, spec, rng, features))
        elif block.kind == TABLE:
            assert block.grid is not None
            content.append(table_html(block.grid, rng, nbsp=nbsp, th=th))
        elif block.kind == HEADING:
            content.append(_paragraph(block.text, rng, bold=rng.random() < 0.6))
        elif block.kind == PARA:
            content.append(_paragraph(block.text, rng))
        elif block.kind in (SIGNER, DATE):
            content.append(_paragraph(block.text, rng, style="text-align:right"))
    if nbsp:
        features.append("html:nbsp")
    return "\n".join(head), "\n".join(content)


def _sidebar(spec: Spec, rng: random.Random) -> str:
    """A column of links to the agency's other annual reports, printed before the article."""
    years = sorted({max(2008, spec.year - k) for k in range(1, rng.randint(2, 4))}, reverse=True)
    links = "".join(f'<li><a href="/nb/{y}.html">{escape(spec.agency)}{y}年政府信息公开工作年度报告</a></li>'
                    for y in years)
    return f'<div class="sidebar"><h3>信息公开年报</h3><ul>{links}</ul></div>'


def _chrome(spec: Spec, rng: random.Random, features: list[str]) -> tuple[str, str]:
    """(page header with navigation, breadcrumb and sometimes a sidebar, page footer)."""
    site = site_of(spec)
    nav = "".join(f'<li><a href="/{i}/">{escape(item.format(site=site))}</a></li>' for i, item in enumerate(NAV))
    header = (f'<div class="header"><div class="logo">{escape(site)}人民政府</div>'
              f'<ul class="nav">{nav}</ul></div>\n'
              '<div class="position">当前位置：<a href="/">首页</a> &gt; <a>政务公开</a> &gt; '
              '<a>政府信息公开年报</a></div>')
    if rng.random() < 0.15:
        features.append("html:sidebar")
        header += "\n" + _sidebar(spec, rng)
    code = rng.randint(1000000000, 9999999999)
    footer = ('<div class="share">分享到：<a>微信</a> <a>微博</a></div>\n'
              '<div class="print"><a>【打印本页】</a> <a>【关闭窗口】</a></div>\n'
              '<div class="ewm">扫一扫在手机打开当前页</div>\n'
              '<div class="footer"><p><a>网站声明</a> | <a>联系我们</a> | <a>网站地图</a></p>'
              f'<p>主办单位：{escape(site)}人民政府办公室 版权所有&copy;{spec.year + 1}</p>'
              f'<p>网站标识码：{code} ICP备{rng.randint(10000000, 99999999)}号-1</p>'
              '<p><img src="/images/jiucuo.png" alt="">政府网站找错</p></div>')
    return header, footer


def render_html(blocks: list[Block], spec: Spec, style: Style, rng: random.Random, features: list[str]) -> bytes:
    """A portal article page; GBK with a gb2312 declaration for some pages."""
    gbk = rng.random() < 0.3
    charset = "gb2312" if gbk else "utf-8"
    declared = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />\n'
    if gbk:
        features.append("html:gbk")
        if rng.random() < 0.15:  # the server's header said it; the page does not
            features.append("html:gbk-undeclared")
            declared = ""
    meta_only = spec.published is not None and rng.random() < 0.05
    if meta_only:
        features.append("html:pubdate-meta-only")
        blocks = [b for b in blocks if b.kind != PUBLISH]
    if spec.published is not None and (meta_only or rng.random() < 0.5):
        declared += f'<meta name="PubDate" content="{spec.published:%Y-%m-%d %H:%M}" />\n'
    head, content = _body(blocks, spec, rng, features)
    header, footer = _chrome(spec, rng, features)
    site = site_of(spec)
    article = (f'<div class="article">\n{head}\n<div class="content" id="zoom">\n<!--正文开始-->\n'
               f'<div class="WordSection1">\n{content}\n</div>\n<!--正文结束-->\n</div>\n</div>')
    body = f"{header}\n{article}\n{footer}"
    if rng.random() < 0.1:
        features.append("html:layout-table")
        body = f'<table width="1000" align="center"><tr><td>\n{body}\n</td></tr></table>'
    page = (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:o="urn:schemas-microsoft-com:office:office">\n<head>\n'
        f"{declared}"
        f"<title>{escape(spec.title)}_{escape(site)}人民政府</title>\n"
        '<style type="text/css">.nav li{float:left} p.MsoNormal{margin:0cm}</style>\n'
        '<script type="text/javascript">var siteName = "政府信息公开"; function setFont(s){}</script>\n'
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    return page.encode("gbk" if gbk else "utf-8", errors="xmlcharrefreplace")
