"""A second red team's corpus: the formats reports are published in, and the features real files of them have.

Written by a helper who had read only README.md, docs/template.md, docs/record.md, docs/corpus.md and the two
earlier generators (benchmarks/independent.py, benchmarks/redteam.py), never the parser. Its reports are
build.py's (tests/data/variants/build.py, the words typed from the template's description), with independent.py's
numbers, printed as real files print them:

- **DOCX as Word writes it** (python-docx for the skeleton, lxml for the rest): tracked changes (``w:del`` text
  that must not count, ``w:ins`` text that must, a row deleted with its changes tracked), hidden text
  (``w:vanish``), content controls (``w:sdt``) around paragraphs, tables, rows, cells and runs, formula fields in
  总计 cells (``w:fldSimple`` and ``w:fldChar``/``w:instrText`` ``=SUM(B4:G4)``), a DATE field for the signature,
  PAGE fields in the footer, a real table of contents (``TOC`` and ``PAGEREF`` fields with page numbers), runs
  split by ``w:proofErr``, bookmarks and ``w:smartTag``, the title in a text box (``mc:AlternateContent``: Word
  writes its text twice, a ``wps`` shape and a VML fallback), the title in the page header, comments on cells,
  ``w:gridBefore``/``w:gridAfter`` rows, explicit ``vMerge="continue"`` cells, tables nested in a layout table,
  ``w:br`` and ``w:tab`` inside labels, a number's digits in runs of their own, full-width digits;
- **PDF and .doc made by LibreOffice** (``soffice --headless --convert-to``) from such a DOCX, some pages
  landscape, section 三 over a page break;
- **Markdown as converters print it**: pandoc's pipe/HTML tables (``gfm``) and grid or multiline tables
  (``markdown``) from the DOCX, MarkItDown's (an empty header row above every table, ``**bold**`` headings,
  rowspans not repeated), OCR engines' (headings as ``#``, tables as HTML, page numbers between);
- **HTML and text in every encoding**: GB2312/GBK/GB18030 with and without a meta charset, a meta charset that
  lies, UTF-16 and UTF-8 with a BOM, CRLF, ``<th>`` data rows, ``thead``/``tbody``/``tfoot`` (a ``tfoot`` before
  the body as HTML 4 wrote it), ``<br>`` in labels, ``<font>``, ``&#12288;`` pads, TRS editors' ``<style>`` inside
  the article, commented-out old text, and after the article a 相关链接 table listing the body's other reports.

The truth is what the document means (docs/record.md; docs/corpus.md "The truth file"): deleted and hidden text
is not there, inserted text is; a field's shown result is its value.

Run::

    python benchmarks/redteam2.py OUT --count 300 --seed 71
    nianbao score OUT --features

PDF and .doc need LibreOffice, Markdown from pandoc needs pandoc; without them those formats are not made (the
other formats take their turns). ``tests/test_redteam2.py`` runs a slice and asserts no wrong value.
"""

from __future__ import annotations

import copy
import html
import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("redteam", ROOT / "benchmarks" / "redteam.py")
redteam = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(redteam)
independent = redteam.independent
build = independent.build

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W_NS}
DECL = (f'xmlns:w="{W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml"')
AUTHOR = 'w:author="办公室" w:date="2023-01-16T10:20:00Z"'
#: What each format is made by, and how often (LibreOffice's formats few: seconds a file on shared cores).
KINDS = (("docx", 30), ("html", 22), ("text", 10), ("markdown-pandoc", 10), ("markdown-markitdown", 7),
         ("markdown-ocr", 7), ("markdown-docling", 7), ("pdf", 7), ("doc", 7))
#: Sub-item labels of section 三 a label break may cut (the ones that are not merged over the table's width).
LABEL_BREAKS = ("三、本年度办理结果", "（一）予以公开", "（二）部分公开", "一、本年新收政府信息公开申请数量",
                "二、上年结转政府信息公开申请数量", "四、结转下年度继续办理", "行政规范性文件", "其他对外管理服务事项")
HEADER_WORDS = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "本年制发件数", "本年废止件数", "现行有效件数",
                "上一年项目数量", "处理决定数量", "社会公益组织", "法律服务机构", "未经复议直接起诉", "复议后起诉")


def soffice():
    return shutil.which("soffice") or shutil.which("libreoffice")


def cjk_font():
    """Whether fontconfig knows a font with Chinese glyphs. Without one LibreOffice draws every Chinese character
    of a PDF with the one glyph it falls back on, and the PDF's text reads ``年年年…``: no report (seen in session 12;
    Debian: ``apt-get install fonts-wqy-microhei``). A ``.doc`` keeps its characters whatever the fonts."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    return bool(subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True).stdout.strip())


def available_kinds():
    kinds = [(k, n) for k, n in KINDS if k != "doc" or soffice()]
    kinds = [(k, n) for k, n in kinds if k != "pdf" or (soffice() and cjk_font())]
    return [(k, n) for k, n in kinds if k != "markdown-pandoc" or shutil.which("pandoc")]


# ---- WordprocessingML pieces -----------------------------------------------------------------------------------

def xml(text):
    from lxml import etree
    return etree.fromstring(f"<root {DECL}>{text}</root>")[0]


def q(tag):
    prefix, name = tag.split(":")
    return f"{{{W_NS}}}{name}" if prefix == "w" else tag


def esc(text):
    return html.escape(text, quote=True)


def r_xml(text, rpr="", tag="t"):
    """A run: ``text`` in ``w:t`` (or ``w:delText``, ``w:instrText``); tabs and line breaks as ``w:tab``/``w:br``."""
    parts = []
    for piece in re.split(r"(\t|\n)", text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece == "\n":
            parts.append("<w:br/>")
        elif piece:
            parts.append(f'<w:{tag} xml:space="preserve">{esc(piece)}</w:{tag}>')
    return f"<w:r>{f'<w:rPr>{rpr}</w:rPr>' if rpr else ''}{''.join(parts)}</w:r>"


def paragraph_text(p):
    return "".join(t.text or "" for t in p.iter(q("w:t")))


def set_content(p, inner):
    """Replace what a paragraph holds after its properties by the XML ``inner``."""
    for child in list(p):
        if child.tag != q("w:pPr"):
            p.remove(child)
    for child in xml(f"<w:wrap>{inner}</w:wrap>"):
        p.append(child)


def cell_paragraph(tc):
    return tc.find(q("w:p"))


def wrap_sdt(element, tag="内容控件", alias=None):
    """A content control around ``element`` (a paragraph, table, row, cell or run)."""
    sdt = xml(f'<w:sdt><w:sdtPr><w:alias w:val="{esc(alias or tag)}"/><w:tag w:val="{esc(tag)}"/>'
              f'<w:id w:val="{abs(hash(tag)) % 10**8}"/></w:sdtPr><w:sdtContent/></w:sdt>')
    element.addprevious(sdt)
    sdt.find(q("w:sdtContent")).append(element)
    return sdt


class Doc:
    """A report as a python-docx document, with the elements a feature edits: ``title`` paragraphs, ``headings``,
    ``paras`` (prose), ``signature`` (body, date), ``tables`` (``w:tbl``), ``values`` (``(tc, text)`` of every value
    cell), ``labels`` (``(tc, text)``) and ``headers``."""

    def __init__(self, rng, blocks, landscape_apps=False):
        import docx
        from docx.enum.section import WD_ORIENT, WD_SECTION
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        self.rng, self.document = rng, docx.Document()
        self.title, self.headings, self.paras, self.signature = [], [], [], []
        self.tables, self.values, self.labels, self.headers = [], [], [], []
        self.touched = set()  # paragraphs and cells a feature rewrote: no later feature rewrites them again
        for n, (kind, body) in enumerate(blocks):
            if kind == "table":
                big = len(body) > 20
                if big and landscape_apps:
                    self._orient(WD_SECTION, WD_ORIENT, landscape=True)
                self._table(body)
                if big and landscape_apps:
                    self._orient(WD_SECTION, WD_ORIENT, landscape=False)
                continue
            text = f"{body[0]}{body[1]}" if kind == "lead" else body
            paragraph = self.document.add_paragraph()
            paragraph.add_run(text).bold = kind in ("title", "heading")
            if kind == "title":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                self.title.append(paragraph._p)
            elif kind == "heading":
                self.headings.append(paragraph._p)
            elif n >= len(blocks) - 2:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                self.signature.append(paragraph._p)
            else:
                self.paras.append(paragraph._p)

    def _orient(self, wd_section, wd_orient, landscape):
        section = self.document.add_section(wd_section.NEW_PAGE)
        width, height = section.page_width, section.page_height
        if (width > height) != landscape:
            section.page_width, section.page_height = height, width
        section.orientation = wd_orient.LANDSCAPE if landscape else wd_orient.PORTRAIT

    def _table(self, grid):
        slots = build.expand(grid)
        table = self.document.add_table(rows=len(slots), cols=max(map(len, slots)))
        table.style = "Table Grid"
        for r, col, (text, cs, rs) in redteam.positioned(grid):
            target = table.cell(r, col)
            if cs > 1 or rs > 1:
                target = target.merge(table.cell(r + rs - 1, col + cs - 1))
            if text:
                target.paragraphs[0].add_run(text)
            tc = target._tc
            kind = self.values if redteam._is_value(text.translate(independent.ASCII)) or text in \
                independent.NONE_WORDS else self.headers if text in HEADER_WORDS or r < 3 else self.labels
            if text:
                kind.append((tc, text))
        self.tables.append(table._tbl)

    def free(self, items):
        """The ``items`` (paragraphs, or ``(tc, text)`` pairs) no feature rewrote yet, now taken."""
        out = [i for i in items if (i[0] if isinstance(i, tuple) else i) not in self.touched]
        self.touched.update(i[0] if isinstance(i, tuple) else i for i in out)
        return out

    def bytes(self):
        data = io.BytesIO()
        self.document.save(data)
        return build._fixed_zip(data.getvalue())


# ---- DOCX features: each ``(rng, doc, truth)``, returning whether it applied ----------------------------------------

def tracked_values(rng, doc, truth):
    """Numbers corrected with Track Changes on: the old number deleted (``w:del``), the new one inserted."""
    for tc, text in doc.free(rng.sample(doc.values, min(len(doc.values), rng.randint(1, 4)))):
        old = str(int(text) + rng.randint(1, 9)) if text.isdigit() else "8"
        set_content(cell_paragraph(tc), f'<w:del w:id="{rng.randint(100, 999)}" {AUTHOR}>{r_xml(old, tag="delText")}'
                                        f'</w:del><w:ins w:id="{rng.randint(100, 999)}" {AUTHOR}>{r_xml(text)}</w:ins>')
    return True


def tracked_title_year(rng, doc, truth):
    """The title's year corrected with Track Changes (last year's report edited into this year's)."""
    if len(doc.title) != 1 or str(truth["year"]) not in truth["title"] or not doc.free(doc.title):
        return False
    before, after = truth["title"].split(str(truth["year"]), 1)
    set_content(doc.title[0], f'{r_xml(before, "<w:b/>")}<w:del w:id="11" {AUTHOR}>'
                              f'{r_xml(str(truth["year"] - 1), "<w:b/>", "delText")}</w:del>'
                              f'<w:ins w:id="12" {AUTHOR}>{r_xml(str(truth["year"]), "<w:b/>")}</w:ins>'
                              f'{r_xml(after, "<w:b/>")}')
    return True


def tracked_row(rng, doc, truth):
    """A row of section 三 deleted with Track Changes on (a duplicate typed by mistake): its text is deleted text."""
    rows = [tr for tr in doc.tables[1].findall(q("w:tr"))[8:-3] if len(tr.findall(q("w:tc"))) == 10]
    if not rows:
        return False
    tr = rng.choice(rows)
    dead = copy.deepcopy(tr)
    dead.insert(0, xml(f'<w:trPr><w:del w:id="21" {AUTHOR}/></w:trPr>'))
    for p in dead.iter(q("w:p")):
        text = paragraph_text(p)
        if text.isdigit():
            text = str(int(text) + rng.randint(1, 5))
        if text:
            set_content(p, f'<w:del w:id="{rng.randint(100, 999)}" {AUTHOR}>{r_xml(text, tag="delText")}</w:del>')
    tr.addprevious(dead) if rng.random() < 0.5 else tr.addnext(dead)
    return True


def tracked_prose(rng, doc, truth):
    """A sentence inserted into section 一 and one deleted from section 五, with Track Changes on."""
    overview = truth["sections"]["overview"]
    first = next((p for p in doc.free(doc.paras[:2]) if paragraph_text(p) and paragraph_text(p) in overview), None)
    last = next((p for p in doc.paras if paragraph_text(p) and paragraph_text(p) in truth["sections"]["problems"]),
                None)
    if first is None or last is None:
        return False
    added = "全年共召开政务公开专题会议2次。"
    text = paragraph_text(first)
    set_content(first, f'{r_xml(text)}<w:ins w:id="31" {AUTHOR}>{r_xml(added)}</w:ins>')
    truth["sections"]["overview"] = truth["sections"]["overview"].replace(text, text + added, 1)
    text = paragraph_text(last)
    dropped = "二是依申请公开答复文书格式不够规范，共3件。"
    set_content(last, f'{r_xml(text)}<w:del w:id="32" {AUTHOR}>{r_xml(dropped, tag="delText")}</w:del>')
    return True


def hidden_text(rng, doc, truth):
    """Hidden text (``w:vanish``): a digit after a value, and a hidden note paragraph in section 一."""
    for tc, text in doc.free(rng.sample(doc.values, min(len(doc.values), 3))):
        set_content(cell_paragraph(tc), r_xml(text) + r_xml(str(rng.randint(0, 9)), "<w:vanish/>"))
    if doc.paras:
        note = xml(f'<w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr>'
                   f'{r_xml("填报说明：本表第三项数据为2份，由办公室核对后填写。", "<w:vanish/>")}</w:p>')
        doc.paras[0].addnext(note)
    return True


def sdt_blocks(rng, doc, truth):
    """Content controls around the title (a cover-page template's) and around one or all tables."""
    for p in doc.title:
        wrap_sdt(p, "标题", "报告标题")
    for tbl in (doc.tables if rng.random() < 0.5 else [rng.choice(doc.tables)]):
        wrap_sdt(tbl, "统计表")
    return True


def sdt_rows_cells(rng, doc, truth):
    """Content controls around some rows and some cells (a form template's fields)."""
    for tbl in doc.tables:
        rows = tbl.findall(q("w:tr"))
        for tr in rng.sample(rows, max(1, len(rows) // 3)):
            wrap_sdt(tr, "行")
    for tc, _ in rng.sample(doc.values, min(len(doc.values), 12)):
        if tc.getparent().tag == q("w:tr"):
            wrap_sdt(tc, "数值")
    return True


def sdt_runs(rng, doc, truth):
    """Content controls around runs: the signature's date picker, values typed into fields."""
    picked = doc.free([*doc.signature[-1:], *rng.sample(doc.values, 6)])
    for p in (cell_paragraph(i[0]) if isinstance(i, tuple) else i for i in picked):
        for r in p.findall(q("w:r")):
            wrap_sdt(r, "日期" if p in doc.signature else "数字")
    return True


def formula_fields(rng, doc, truth):
    """总计 cells as Word formula fields: ``w:fldSimple`` or ``w:fldChar`` with ``=SUM(LEFT)``/``=SUM(B4:G4)``, the
    shown result being the printed value."""
    done = False
    for tbl in doc.tables[1:3]:
        for n, tr in enumerate(tbl.findall(q("w:tr"))):
            tcs = tr.findall(q("w:tc"))
            if not tcs or not paragraph_text(cell_paragraph(tcs[-1])).isdigit() or len(tcs) < 7 or \
                    not doc.free([(tcs[-1], "")]):
                continue
            value = paragraph_text(cell_paragraph(tcs[-1]))
            formula = rng.choice((" =SUM(LEFT) ", f" =SUM(D{n + 1}:I{n + 1}) ", " =SUM(LEFT) \\# \"0\" "))
            if rng.random() < 0.5:
                inner = f'<w:fldSimple w:instr="{esc(formula)}">{r_xml(value)}</w:fldSimple>'
            else:
                inner = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>' + r_xml(formula, tag="instrText")
                         + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r_xml(value)
                         + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
            set_content(cell_paragraph(tcs[-1]), inner)
            done = True
    return done


def date_field(rng, doc, truth):
    """The signature's date as a DATE field (its shown result the date printed)."""
    if not doc.free(doc.signature[-1:]):
        return False
    p = doc.signature[-1]
    text = paragraph_text(p)
    set_content(p, '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                + r_xml(' DATE \\@ "yyyy年M月d日" \\* MERGEFORMAT ', tag="instrText")
                + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r_xml(text)
                + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    return True


def page_footer(rng, doc, truth):
    """A footer ``第 PAGE 页 共 NUMPAGES 页`` (fldSimple or complex fields) and the title in the page header."""
    footer = doc.document.sections[0].footer.paragraphs[0]._p
    set_content(footer, r_xml("第 ") + '<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
                + r_xml(" 页 共 ") + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                + r_xml(" NUMPAGES ", tag="instrText") + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                + r_xml("5") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>' + r_xml(" 页"))
    doc.document.sections[0].header.paragraphs[0].add_run(truth["title"])
    return True


def contents_field(rng, doc, truth):
    """A table of contents as Word makes it: a ``TOC`` field, each entry a hyperlink with the heading, a tab and a
    ``PAGEREF`` field showing its page, in a content control (docPartObj), after the title."""
    if not doc.title:
        return False
    doc.touched.update(doc.headings)
    entries = []
    for n, h in enumerate(doc.headings):
        text = paragraph_text(h)
        begin = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>' + r_xml(' TOC \\o "1-3" \\h \\z \\u ', tag="instrText")
                 + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>') if n == 0 else ""
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if n == len(doc.headings) - 1 else ""
        entries.append(f'<w:p><w:pPr><w:pStyle w:val="TOC1"/><w:tabs><w:tab w:val="right" w:leader="dot" '
                       f'w:pos="8296"/></w:tabs></w:pPr>{begin}<w:hyperlink w:anchor="_Toc{n}" w:history="1">'
                       f'{r_xml(text)}{r_xml(chr(9))}<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                       f'{r_xml(f" PAGEREF _Toc{n} " + chr(92) + "h ", tag="instrText")}'
                       f'<w:r><w:fldChar w:fldCharType="separate"/>'
                       f'</w:r>{r_xml(str(1 + n // 2))}<w:r><w:fldChar w:fldCharType="end"/></w:r></w:hyperlink>'
                       f'{end}</w:p>')
        set_content(h, f'<w:bookmarkStart w:id="{40 + n}" w:name="_Toc{n}"/>{r_xml(text, "<w:b/>")}'
                       f'<w:bookmarkEnd w:id="{40 + n}"/>')
    sdt = xml('<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/><w:docPartUnique/>'
              f'</w:docPartObj></w:sdtPr><w:sdtContent><w:p>{r_xml("目  录")}</w:p>{"".join(entries)}'
              '</w:sdtContent></w:sdt>')
    doc.title[-1].addnext(sdt)
    return True


def split_runs(rng, doc, truth):
    """Runs cut by what Word leaves between them: ``w:proofErr``, bookmarks (``_GoBack``), a ``w:smartTag``
    (chsdate, as Chinese Word tags dates), ``w:lastRenderedPageBreak``; a number's digits each in a run of its own."""
    def cut(p, text, rpr=""):
        if len(text) < 2:
            return
        at = sorted(rng.sample(range(1, len(text)), min(2, len(text) - 1)))
        pieces = [text[:at[0]], *(text[a:b] for a, b in zip(at, [*at[1:], len(text)], strict=True))]
        marks = ('<w:proofErr w:type="spellStart"/>', '<w:proofErr w:type="gramEnd"/>',
                 '<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>',
                 '<w:r><w:lastRenderedPageBreak/></w:r>')
        out = []
        for n, piece in enumerate(pieces):
            run = r_xml(piece, rpr + '<w:rFonts w:hint="eastAsia"/>' * (n % 2))
            if n == 1 and rng.random() < 0.3:
                run = ('<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="chsdate">'
                       '<w:smartTagPr><w:attr w:name="IsROCDate" w:val="False"/></w:smartTagPr>'
                       + run + "</w:smartTag>")
            out.append(run)
            if n < len(pieces) - 1:
                out.append(rng.choice(marks))
        set_content(p, "".join(out))

    for p in doc.free([*doc.title, *doc.headings, *doc.signature]):
        cut(p, paragraph_text(p), "<w:b/>" if p in doc.title or p in doc.headings else "")
    for tc, _ in doc.free([pair for pair in [*doc.labels, *doc.values] if rng.random() < 0.4]):
        cut(cell_paragraph(tc), paragraph_text(cell_paragraph(tc)))
    return True


def textbox_title(rng, doc, truth):
    """The title in a text box: ``mc:AlternateContent`` with the text twice, in a ``wps`` shape and in its VML
    fallback (as Word 2010 and later write every text box)."""
    if len(doc.title) != 1 or not doc.free(doc.title):
        return False
    text = esc(paragraph_text(doc.title[0]))
    body = (f'<w:txbxContent><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/><w:sz w:val="44"/></w:rPr>'
            f'<w:t>{text}</w:t></w:r></w:p></w:txbxContent>')
    run = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:inline distT="0" distB="0" '
           'distL="0" distR="0"><wp:extent cx="5274310" cy="792000"/><wp:docPr id="1" name="文本框 1"/>'
           '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
           '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5274310" '
           'cy="792000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
           f'<wps:txbx>{body}</wps:txbx><wps:bodyPr rot="0" vert="horz" anchor="ctr"/></wps:wsp></a:graphicData>'
           '</a:graphic></wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape id="文本框 1" '
           'style="width:415.3pt;height:62.35pt" type="#_x0000_t202"><v:textbox>'
           f'{body}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')
    set_content(doc.title[0], run)
    return True


def comments(rng, doc, truth):
    """Reviewers' comments on value cells (the comment's own text has numbers)."""
    from docx.text.paragraph import Paragraph

    for tc, _ in doc.free(rng.sample(doc.values, min(3, len(doc.values)))):
        paragraph = Paragraph(cell_paragraph(tc), None)
        if paragraph.runs:
            note = f"请核实：与上年数据{rng.randint(2, 99)}件不一致"
            doc.document.add_comment(paragraph.runs, text=note, author="审核")
    return True


def grid_before_after(rng, doc, truth):
    """Rows that start or end short of the grid (``w:gridBefore``, ``w:gridAfter``) instead of an empty merged
    corner cell or a widened last cell."""
    done = False
    rows = doc.tables[1].findall(q("w:tr"))[:3]
    firsts = [tr.find(q("w:tc")) for tr in rows]
    if all(tc is not None and not paragraph_text(cell_paragraph(tc)) for tc in firsts):
        for tr, tc in zip(rows, firsts, strict=True):
            span = tc.find(f"{q('w:tcPr')}/{q('w:gridSpan')}")
            tr.remove(tc)
            tr.insert(0, xml(f'<w:trPr><w:gridBefore w:val="{span.get(q("w:val")) if span is not None else 1}"/>'
                             '</w:trPr>'))
        done = True
    for tr in doc.tables[0].findall(q("w:tr")):
        tcs = tr.findall(q("w:tc"))
        span = tcs[-1].find(f"{q('w:tcPr')}/{q('w:gridSpan')}")
        if len(tcs) > 1 and span is not None:
            extra = int(span.get(q("w:val"))) - 1
            span.getparent().remove(span)
            tr.insert(0, xml(f'<w:trPr><w:gridAfter w:val="{extra}"/></w:trPr>'))
            done = True
    return done


def vmerge_continue(rng, doc, truth):
    """Vertically merged cells written ``w:vMerge w:val="continue"`` (as older Word and WPS write them)."""
    for vmerge in doc.document.element.iter(q("w:vMerge")):
        if vmerge.get(q("w:val")) is None:
            vmerge.set(q("w:val"), "continue")
    return True


def nested_table(rng, doc, truth):
    """A statistics table inside the one cell of a borderless layout table."""
    tbl = rng.choice(doc.tables)
    outer = xml('<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/></w:tblPr><w:tblGrid><w:gridCol w:w="9000"/>'
                '</w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w="9000" w:type="dxa"/></w:tcPr></w:tc></w:tr></w:tbl>')
    tbl.addprevious(outer)
    tc = outer.find(f"{q('w:tr')}/{q('w:tc')}")
    tc.append(tbl)
    tc.append(xml("<w:p/>"))
    return True


def footnotes(rng, doc, truth):
    """Footnotes on value cells (a superscript reference after the number, its text in ``footnotes.xml``), as a
    report notes what a count includes."""
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    picked = doc.free(rng.sample(doc.values, min(2, len(doc.values))))
    notes = []
    for n, (tc, text) in enumerate(picked, start=1):
        set_content(cell_paragraph(tc), r_xml(text) + '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/>'
                    f'<w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="{n}"/></w:r>')
        notes.append(f'<w:footnote w:id="{n}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                     f'<w:footnoteRef/></w:r>{r_xml(f" 含上年度转来{rng.randint(2, 9)}件。")}</w:p></w:footnote>')
    if not notes:
        return False
    blob = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W_NS}">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
            f'</w:footnote>{"".join(notes)}</w:footnotes>').encode()
    part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, blob, doc.document.part.package)
    doc.document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    return True


def hmerge(rng, doc, truth):
    """Horizontally merged label cells written as Word 97 files converted to DOCX write them: ``w:hMerge`` restart
    and continue cells instead of one ``w:gridSpan`` cell."""
    done = False
    for tc, _ in doc.labels:
        span = tc.find(f"{q('w:tcPr')}/{q('w:gridSpan')}")
        if span is None or tc.find(f"{q('w:tcPr')}/{q('w:vMerge')}") is not None or tc.getparent().tag != q("w:tr"):
            continue
        width = int(span.get(q("w:val")))
        tcpr = span.getparent()
        tcpr.replace(span, xml('<w:hMerge w:val="restart"/>'))
        for _ in range(width - 1):
            tc.addnext(xml('<w:tc><w:tcPr><w:hMerge/></w:tcPr><w:p/></w:tc>'))
        done = True
    return done


def cell_paragraphs(rng, doc, truth):
    """Value cells holding an empty paragraph before or after the number (left by pasting)."""
    for tc, _ in doc.free(rng.sample(doc.values, min(8, len(doc.values)))):
        p = cell_paragraph(tc)
        (p.addprevious if rng.random() < 0.5 else p.addnext)(xml("<w:p/>"))
    return True


def three_line_tables(rng, doc, truth):
    """Tables ruled as a 三线表: a rule above, one under the header and one below, no vertical rules (no
    ``Table Grid`` borders, the header's last row ruled below)."""
    for tbl in doc.tables:
        tblpr = tbl.find(q("w:tblPr"))
        style = tblpr.find(q("w:tblStyle"))
        if style is not None:
            tblpr.remove(style)
        tblpr.append(xml('<w:tblBorders><w:top w:val="single" w:sz="12" w:space="0" w:color="000000"/>'
                         '<w:left w:val="nil"/><w:bottom w:val="single" w:sz="12" w:space="0" w:color="000000"/>'
                         '<w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>'))
        rows = tbl.findall(q("w:tr"))
        head = 3 if len(rows) > 20 else 1
        for tc in rows[head - 1].findall(q("w:tc")):
            tcpr = tc.find(q("w:tcPr"))
            tcpr.append(xml('<w:tcBorders><w:bottom w:val="single" w:sz="6" w:space="0" w:color="000000"/>'
                            '</w:tcBorders>'))
    return True


def alt_chunk(rng, doc, truth):
    """The whole body an ``w:altChunk`` of HTML, as web systems' "export to Word" (html-docx-js and the like) write a
    DOCX: Word renders the HTML; the document part holds no paragraph of it."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    body = doc.document.element.body
    chunks = []
    for child in list(body):
        if child.tag == q("w:sectPr"):
            continue
        chunks.append(child)
        body.remove(child)
    page = "<html><head><meta charset='utf-8'></head><body>" + "".join(html_of(c) for c in chunks) + "</body></html>"
    part = Part(PackURI("/word/afchunk.htm"), "text/html", page.encode("utf-8"), doc.document.part.package)
    rid = doc.document.part.relate_to(part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk")
    body.insert(0, xml(f'<w:altChunk xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
                       f'r:id="{rid}"/>'))
    doc.touched.update([*doc.title, *doc.headings, *doc.paras, *doc.signature])
    return True


def html_of(element):
    """A paragraph or a table of the document as HTML (its text as shown: no deleted text; spans kept)."""
    if element.tag == q("w:p"):
        return f"<p>{esc(paragraph_text(element))}</p>"
    if element.tag != q("w:tbl"):
        return "".join(html_of(child) for child in element.iter(q("w:p"), q("w:tbl")) if child.getparent() is element)
    rows = []
    trs = element.findall(q("w:tr"))
    for r, tr in enumerate(trs):
        cells = []
        for tc in tr.findall(q("w:tc")):
            vmerge = tc.find(f"{q('w:tcPr')}/{q('w:vMerge')}")
            if vmerge is not None and vmerge.get(q("w:val")) != "restart":
                continue
            span = tc.find(f"{q('w:tcPr')}/{q('w:gridSpan')}")
            cs = int(span.get(q("w:val"))) if span is not None else 1
            rs = 1
            if vmerge is not None:  # count the continue cells below in the same grid column
                col = grid_column(tr, tc)
                for below in trs[r + 1:]:
                    other = cell_at(below, col)
                    mark = other.find(f"{q('w:tcPr')}/{q('w:vMerge')}") if other is not None else None
                    if mark is None or mark.get(q("w:val")) == "restart":
                        break
                    rs += 1
            text = "<br>".join(esc(paragraph_text(p)) for p in tc.findall(q("w:p")) if paragraph_text(p))
            cells.append(redteam.td([text, cs, rs], text))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table border="1">' + "".join(rows) + "</table>"


def grid_column(tr, tc):
    col = 0
    for other in tr.findall(q("w:tc")):
        if other is tc:
            return col
        span = other.find(f"{q('w:tcPr')}/{q('w:gridSpan')}")
        col += int(span.get(q("w:val"))) if span is not None else 1
    return col


def cell_at(tr, col):
    return next((tc for tc in tr.findall(q("w:tc")) if grid_column(tr, tc) == col), None)


def column_widths(rng, doc, truth):
    """The column widths a real report's tables have (label columns wide, value columns narrow), so LibreOffice
    prints them as Word does, not evenly."""
    for tbl in doc.tables:
        cols = tbl.findall(f"{q('w:tblGrid')}/{q('w:gridCol')}")
        widths = {10: [700, 1100, 2200] + [700] * 7, 4: [2600, 2000, 2000, 2000]}.get(len(cols))
        widths = widths or [9000 // len(cols)] * len(cols)
        for col, width in zip(cols, widths, strict=True):
            col.set(q("w:w"), str(width))
        tblpr = tbl.find(q("w:tblPr"))
        tblpr.append(xml('<w:tblLayout w:type="fixed"/>'))
        for tr in tbl.findall(q("w:tr")):
            at = 0
            for tc in tr.findall(q("w:tc")):
                span = tc.find(f"{q('w:tcPr')}/{q('w:gridSpan')}")
                n = int(span.get(q("w:val"))) if span is not None else 1
                width = tc.find(f"{q('w:tcPr')}/{q('w:tcW')}")
                if width is not None:
                    width.set(q("w:w"), str(sum(widths[at:at + n])))
                    width.set(q("w:type"), "dxa")
                at += n
    return True


def label_breaks(rng, doc, truth):
    """Line breaks (``w:br``) and tabs (``w:tab``) inside label and header cells, as typed to fit a column."""
    picked = doc.free([(tc, t) for tc, t in [*doc.labels, *doc.headers] if len(t) > 3 and (
        t in HEADER_WORDS or t.startswith(LABEL_BREAKS) or rng.random() < 0.3)])
    for tc, text in picked:
        at = rng.randint(2, len(text) - 1)
        mark = re.match(r"[（(][一二三四五六七][）)]|[0-9１-９][．.、]", text)
        glue = "\t" if mark and rng.random() < 0.5 else "\n"
        at = mark.end() if glue == "\t" else at
        set_content(cell_paragraph(tc), r_xml(text[:at] + glue + text[at:]))
    return bool(picked)


def digit_runs(rng, doc, truth):
    """A number's digits each in a run of their own, some with other run properties (as retyping leaves them)."""
    for tc, text in doc.free([(tc, t) for tc, t in doc.values if len(t) > 1 and rng.random() < 0.6]):
        set_content(cell_paragraph(tc), "".join(
            r_xml(ch, rng.choice(("", '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/>',
                                  '<w:sz w:val="21"/>', '<w:lang w:val="en-US"/>'))) for ch in text))
    return True


#: name, chance, feature, and the kinds made from the DOCX that get it: tracked and hidden text, comments, smart
#: tags and the DATE field are Word's own (a PDF printed with its markup shown is another document; LibreOffice
#: updates a DATE field to today), LibreOffice recomputes formula fields, and pandoc 2.17 drops a ``w:fldSimple``'s
#: result and a text box's text (the Markdown then lacks them).
DOCX_FEATURES = (
    ("docx:tracked-values", 0.25, tracked_values, ()), ("docx:tracked-title-year", 0.12, tracked_title_year, ()),
    ("docx:tracked-row-deleted", 0.12, tracked_row, ()), ("docx:tracked-prose", 0.15, tracked_prose, ()),
    ("docx:hidden-text", 0.15, hidden_text, ()), ("docx:sdt-blocks", 0.25, sdt_blocks, ("pdf", "doc", "pandoc")),
    ("docx:sdt-rows-cells", 0.2, sdt_rows_cells, ("pdf", "pandoc")),  # LibreOffice's .doc repeats such a cell
    ("docx:sdt-runs", 0.2, sdt_runs, ("pdf", "doc", "pandoc")), ("docx:formula-fields", 0.25, formula_fields, ()),
    ("docx:date-field", 0.12, date_field, ()), ("docx:footer-header", 0.3, page_footer, ("pdf", "doc", "pandoc")),
    ("docx:toc", 0.12, contents_field, ("pdf", "doc", "pandoc")), ("docx:split-runs", 0.35, split_runs, ()),
    ("docx:textbox-title", 0.12, textbox_title, ("pdf", "doc")), ("docx:comments", 0.12, comments, ()),
    ("docx:grid-before-after", 0.25, grid_before_after, ("pdf", "doc", "pandoc")),
    ("docx:vmerge-continue", 0.3, vmerge_continue, ("pdf", "doc", "pandoc")),
    ("docx:nested-table", 0.12, nested_table, ("pdf", "doc", "pandoc")),
    ("docx:label-breaks", 0.3, label_breaks, ("pdf", "doc", "pandoc")),
    ("docx:digit-runs", 0.3, digit_runs, ("pdf", "doc", "pandoc")),
    ("docx:footnotes", 0.15, footnotes, ("pdf", "doc", "pandoc")), ("docx:hmerge", 0.12, hmerge, ("pdf", "doc")),
    ("docx:cell-empty-paragraphs", 0.15, cell_paragraphs, ("pdf", "doc", "pandoc")),
    ("docx:column-widths", 0.6, column_widths, ("pdf", "doc", "pandoc")),
    ("docx:three-line-tables", 0.15, three_line_tables, ("pdf", "doc", "pandoc")),
)


def make_docx(rng, blocks, truth, features, made_for="docx"):
    """The DOCX of ``blocks`` with a random set of Word's features, those that what it is ``made_for`` (``docx``,
    ``pdf``, ``doc``, ``pandoc``) prints as Word does."""
    landscape = made_for in ("pdf", "doc") and rng.random() < 0.5
    doc = Doc(rng, blocks, landscape)
    features += ["docx:landscape-section"] if landscape else []
    if made_for == "docx" and rng.random() < 0.05:  # a web system's export: the report an HTML chunk, nothing else
        features.append("docx:altchunk-html")
        alt_chunk(rng, doc, truth)
        return doc.bytes()
    for name, chance, feature, kinds in DOCX_FEATURES:
        if (made_for == "docx" or made_for in kinds) and rng.random() < chance and feature(rng, doc, truth):
            features.append(name)
    return doc.bytes()


# ---- HTML and text in their encodings ----------------------------------------------------------------------------

#: (feature, Python codec, the meta charset printed or None, a BOM)
HTML_ENCODINGS = (("enc:utf-8", "utf-8", "utf-8", b""), ("enc:utf-8-bom", "utf-8", None, b"\xef\xbb\xbf"),
                  ("enc:gbk-meta-gb2312", "gbk", "gb2312", b""), ("enc:gbk-no-meta", "gbk", None, b""),
                  ("enc:gb18030-meta", "gb18030", "gb18030", b""), ("enc:gb2312-no-meta", "gb2312", None, b""),
                  ("enc:gbk-meta-says-utf-8", "gbk", "utf-8", b""),
                  ("enc:utf-8-meta-says-gb2312", "utf-8", "gb2312", b""),
                  ("enc:utf-16-bom", "utf-16-le", "unicode", b"\xff\xfe"))
RELATED = ("相关链接", "相关文章", "相关信息")


def html_cell(rng, text, options):
    """A cell's inner HTML: ``<br>`` in labels, ``<font>``, ``&#12288;`` pads."""
    inner = esc(text)
    if "br" in options and len(text) > 4 and not redteam._is_value(text.translate(independent.ASCII)):
        at = rng.randint(2, len(text) - 2)
        inner = esc(text[:at]) + rng.choice(("<br>", "<br/>", "<BR>")) + esc(text[at:])
    if "font" in options:
        inner = f'<font face="仿宋_GB2312" size="3">{inner}</font>'
    value = redteam._is_value(text.translate(independent.ASCII)) and text != "/"
    if "pad" in options and value:
        inner = rng.choice(("&#12288;", "&nbsp;", "&ensp;")) + inner + rng.choice(("", "&#12288;"))
    if "hidden" in options and value and rng.random() < 0.15:  # Word's hidden text, as its HTML writes it
        hidden = ('<span style="display:none;mso-hide:all">{}</span>', '<span style="display: none">{}</span>',
                  '<font style="display:none">{}</font>')
        inner += rng.choice(hidden).format(rng.randint(0, 9))
    if "del-ins" in options and value and text.isdigit() and rng.random() < 0.1:  # Word's HTML of tracked changes
        inner = (f'<del cite="mailto:办公室" datetime="2023-01-16T10:20">{int(text) + rng.randint(1, 9)}</del>'
                 f'<ins cite="mailto:办公室" datetime="2023-01-16T10:20">{inner}</ins>')
    if "footnote" in options and value and options.get("notes", 0) < 2 and rng.random() < 0.03:  # Word's HTML
        # of a footnote on the number
        options["notes"] = options.get("notes", 0) + 1
        n = options["notes"]
        inner += rng.choice((f'<a style="mso-footnote-id:ftn{n}" href="#_ftn{n}" name="_ftnref{n}" title="">'
                             f'<span class="MsoFootnoteReference"><sup>[{n}]</sup></span></a>',
                             f'<sup><a href="#_ftn{n}" name="_ftnref{n}">{n}</a></sup>'))
    return inner or "&nbsp;"


def html_table(rng, grid, options):
    """A table with ``thead``/``tbody``/``tfoot`` (``tfoot`` first as HTML 4 wrote it), ``<th>`` cells for labels or
    whole rows."""
    rows = []
    for cells in grid:
        head = "th-rows" in options and rng.random() < 0.3
        tds = []
        for text, cs, rs in cells:
            tag = "th" if head or ("th-labels" in options and text and not redteam._is_value(
                text.translate(independent.ASCII)) and text not in independent.NONE_WORDS) else "td"
            tds.append(f"<{tag}{f' colspan={cs}' if cs > 1 else ''}{f' rowspan={rs}' if rs > 1 else ''}>"
                       f"{html_cell(rng, text, options)}</{tag}>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    if "sections" in options and len(rows) > 4:
        head = 3 if len(rows) > 20 else 2 if len(rows) == 4 else 0
        foot = "<tfoot>" + rows[-1] + "</tfoot>"
        body = "<tbody>" + "\n".join(rows[head:-1]) + "</tbody>"
        thead = "<thead>" + "\n".join(rows[:head]) + "</thead>" if head else ""
        inner = thead + (foot + body if rng.random() < 0.5 else body + foot)
    else:
        inner = "<tbody>" + "\n".join(rows) + "</tbody>"
    if "colgroup" in options:
        width = max(map(len, build.expand(grid)))
        inner = "<colgroup>" + "<col width=\"60\">" * width + "</colgroup>" + inner
    table = f'<table border="1" cellspacing="0" cellpadding="0" width="100%" style="border-collapse:collapse">{inner}' \
            "</table>"
    return f'<div style="overflow-x:auto"><div class="table-wrap">{table}</div></div>' if "divs" in options else table


def render_portal(rng, blocks, truth, agency, published, features, options=None):
    """A CMS article page with its tables and paragraphs as the ``options`` say (drawn at random unless given), and
    site furniture after."""
    options = dict.fromkeys(options, True) if options is not None else {name: True for name, chance in (
        ("br", 0.3), ("font", 0.3), ("pad", 0.3), ("th-labels", 0.2), ("th-rows", 0.15), ("sections", 0.3),
        ("divs", 0.4), ("trs-style", 0.25), ("comment", 0.15), ("related", 0.5), ("hidden", 0.15), ("del-ins", 0.15),
        ("footnote", 0.2), ("colgroup", 0.2)) if rng.random() < chance}
    title, year = truth["title"], truth["year"]
    out = [f"<title>{esc(title)}_{agency[:3]}人民政府门户网站</title></head><body>",
           '<div class="header"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a></div>',
           f'<div class="article"><h1 class="title">{esc(title)}</h1>',
           f'<div class="info">发布时间：{published} 来源：{esc(agency)} 浏览次数：{rng.randint(10, 999)}</div>',
           '<div class="TRS_Editor">']
    if "trs-style" in options:
        out.append("<style type=\"text/css\">.TRS_Editor P{margin-top:5px;line-height:2;font-size:12pt;}"
                   ".TRS_Editor TD{font-size:10.5pt;}</style>")
    if "comment" in options:
        out.append(f"<!-- <p>{agency}{year - 1}年政府信息公开工作年度报告</p><p>发布时间：{year}-01-10</p> -->")
    pad = "&#12288;&#12288;" if "pad" in options else ""
    for kind, body in blocks:
        if kind == "title":
            continue
        if kind == "table":
            out.append(html_table(rng, body, options))
            continue
        text = esc(f"{body[0]}{body[1]}" if kind == "lead" else body)
        text = f'<font face="仿宋_GB2312" size="4">{text}</font>' if "font" in options else text
        out.append(f"<p>{'<strong>' + text + '</strong>' if kind == 'heading' else pad + text}</p>")
    if options.get("notes"):  # the footnotes under the article, as Word's HTML ends it
        out.append('<div style="mso-element:footnote-list"><hr align="left" size="1" width="33%">' + "".join(
            f'<div style="mso-element:footnote" id="ftn{n}"><p class="MsoFootnoteText"><a href="#_ftnref{n}" '
            f'name="_ftn{n}">[{n}]</a> 含上年度转来{n + 2}件。</p></div>' for n in range(1, options["notes"] + 1))
            + "</div>")
    features += [f"html:{o}" for o in sorted(options) if o != "notes" and (o != "footnote" or options.get("notes"))]
    out.append("</div></div>")
    if "related" in options:  # the body's other reports, each a link and a date, in a table of its own
        links = "".join(f'<tr><td><a href="/art/{y + 1}/{y}nb.html">{esc(agency)}{y}年政府信息公开工作年度报告</a></td>'
                        f"<td>{y + 1}-01-{rng.randint(10, 28)}</td></tr>" for y in range(year - 1, year - 4, -1))
        out.append(f'<div class="xglj"><h3>{rng.choice(RELATED)}</h3><table width="100%">{links}</table></div>')
    out.append(f'<div class="footer">主办：{esc(agency)} 网站标识码：3301000012 ICP备05001234号</div></body></html>')
    return out


def encode_html(rng, lines, features):
    name, codec, meta, bom = rng.choice(HTML_ENCODINGS)
    features.append(name)
    head = ['<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"><html><head>']
    if meta:
        head.append(rng.choice((f'<meta http-equiv="Content-Type" content="text/html; charset={meta}">',
                                f'<meta charset="{meta}">')))
    text = "\n".join(head + lines)
    if rng.random() < 0.4:
        features.append("enc:crlf")
        text = text.replace("\n", "\r\n")
    return bom + text.encode(codec, errors="xmlcharrefreplace")  # what the encoding lacks, as a CMS saves it: &#8722;


TEXT_ENCODINGS = (("enc:utf-8", "utf-8", b""), ("enc:utf-8-bom", "utf-8", b"\xef\xbb\xbf"),
                  ("enc:gbk", "gbk", b""), ("enc:gb18030", "gb18030", b""),
                  ("enc:utf-16-bom", "utf-16-le", b"\xff\xfe"), ("enc:utf-16-be-bom", "utf-16-be", b"\xfe\xff"),
                  ("enc:utf-16-no-bom", "utf-16-le", b""))


def render_text(rng, blocks, features):
    """Text as Notepad saves it: ANSI (GBK), "Unicode" (UTF-16 with a BOM) or UTF-8 with a BOM, CRLF."""
    layout = rng.choice(("cells", "tabbed", "aligned", "pages"))
    features.append(f"text:{layout}")
    if layout == "pages":  # pdftotext -layout: a form feed between pages, each page ending in its number
        lines = redteam.render_aligned(rng, blocks).split("\n")
        size = rng.randint(30, 45)
        pages = [lines[i:i + size] for i in range(0, len(lines), size)]
        text = "\f".join("\n".join([*page, "", " " * 30 + f"- {n} -", ""]) for n, page in enumerate(pages, 1))
    elif layout == "aligned":
        text = redteam.render_aligned(rng, blocks)
    else:
        render = build.render_text_cells if layout == "cells" else build.render_text_tabbed
        text = render(redteam.flat_leads(blocks))
    name, codec, bom = rng.choice(TEXT_ENCODINGS)
    features.append(name)
    ends = rng.choice(("\n", "\r\n", "\r\n", "\r"))
    features += [{"\r\n": "enc:crlf", "\r": "enc:cr"}[ends]] if ends != "\n" else []
    try:
        return bom + text.replace("\n", ends).encode(codec)
    except UnicodeEncodeError:  # a character GBK lacks (−, a zero-width space): such a file is saved as UTF-8
        features[features.index(name)] = "enc:utf-8"
        return text.replace("\n", ends).encode("utf-8")


# ---- Markdown as converters print it -----------------------------------------------------------------------------

def pandoc(data, to):
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.docx"
        source.write_bytes(data)
        return subprocess.run(["pandoc", "-f", "docx", "-t", to, "--wrap=none", str(source)], check=True,
                              capture_output=True, timeout=120).stdout


def render_markitdown(rng, blocks):
    """MarkItDown's Markdown (markdownify's tables, as it prints a portal page or a Word file's HTML): the title a
    ``#`` line or ``**bold**``, headings ``**bold**``, every table a ``|`` table whose first line is an empty header
    row as wide as the first row, a column span its text then empty cells, a cell under a row span left out (so
    rows under a merged label are shorter)."""
    lines = []
    title = rng.choice(("# {}", "**{}**"))
    for kind, body in redteam.flat_leads(blocks):
        if kind != "table":
            lines += [title.format(body) if kind == "title" else f"**{body}**" if kind == "heading" else body, ""]
            continue
        width = sum(cs for _, cs, _ in body[0])
        lines += ["| " + " | ".join([""] * width) + " |", "| " + " | ".join(["---"] * width) + " |"]
        lines += ["| " + " | ".join(" | ".join([text.replace("\n", " "), *[""] * (cs - 1)]) for text, cs, _ in cells)
                  + " |" for cells in body]
        lines.append("")
    return "\n".join(lines)


def render_docling(rng, blocks):
    """Docling's Markdown: every table a ``|`` table whose first row is its header, a merged cell's text repeated in
    every slot it covers (a label over three columns printed three times, a value spread over three columns
    too), headings ``##``."""
    lines = []
    for kind, body in redteam.flat_leads(blocks):
        if kind != "table":
            lines += [f"## {body}" if kind in ("title", "heading") else body, ""]
            continue
        slots = [[None] * max(map(len, build.expand(body))) for _ in body]
        for r, col, (text, cs, rs) in redteam.positioned(body):
            for i in range(rs):
                for j in range(cs):
                    slots[r + i][col + j] = text.replace("\n", " ")
        for n, row in enumerate(slots):
            lines.append("| " + " | ".join(t or "" for t in row) + " |")
            if n == 0:
                lines.append("|" + "|".join("-" * max(3, len(t or "") * 2) for t in row) + "|")
        lines.append("")
    return "\n".join(lines)


def render_ocr(rng, blocks):
    """An OCR engine's Markdown of a scanned report (MinerU, PaddleOCR): the title and headings as ``#`` lines, the
    tables as HTML with their spans, a page number between pages, a table cut at a page with its header again."""
    lines, page = [], 1
    for kind, body in redteam.flat_leads(blocks):
        if kind == "table":
            grid = body
            parts = [grid]
            if len(grid) > 20 and rng.random() < 0.5:
                parts = list(redteam.split_grid(grid, rng.randint(8, len(grid) - 3), 3, rng.random() < 0.5))
            for n, part in enumerate(parts):
                if n:
                    page += 1
                    lines += [f"- {page} -", ""]
                rows = "".join("<tr>" + "".join(redteam.td(c, esc(c[0])) for c in cells) + "</tr>" for cells in part)
                lines += [f"<html><body><table>{rows}</table></body></html>", ""]
        elif kind in ("title", "heading"):
            lines += [f"# {body}", ""]
        else:
            lines += [body, ""]
            if rng.random() < 0.1:
                page += 1
                lines += [f"- {page} -", ""]
    return "\n".join(lines)


# ---- LibreOffice ----------------------------------------------------------------------------------------------------

def convert_all(directory, pending):
    """Convert the DOCX bytes written under their final names (``.pdf``, ``.doc``) with one LibreOffice run per
    target format, a profile of its own so other LibreOffice users do not clash."""
    directory = Path(directory)
    for target in ("pdf", "doc"):
        names = [n for n in pending if n.endswith("." + target)]
        if not names:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            for name in names:
                (Path(tmp) / (Path(name).stem + ".docx")).write_bytes((directory / name).read_bytes())
            profile = Path(tempfile.gettempdir()) / f"redteam2-lo-{os.getpid()}"
            subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                            target, "--outdir", tmp, *sorted(str(p) for p in Path(tmp).glob("*.docx"))],
                           check=True, capture_output=True, timeout=60 + 30 * len(names))
            for name in names:
                (directory / name).write_bytes((Path(tmp) / name).read_bytes())


# ---- Value spellings typed with a Chinese input method ------------------------------------------------------------

CHANGE_ROWS = ("行政许可", "其他对外管理服务事项", "行政处罚", "行政强制", "行政事业性收费")


def signs(rng, blocks):
    """本年增/减 with its sign as typed: ``+3`` or ``＋3`` for a rise, a fall with a full-width minus ``－2``, the
    minus sign ``−2`` or the en dash Word's AutoCorrect makes of a hyphen (``–2``)."""
    done = False
    for kind, body in blocks:
        for cells in body if kind == "table" else ():
            if cells and cells[0][0] in CHANGE_ROWS and len(cells) >= 3:
                value = int(cells[2][0].translate(independent.ASCII))
                if value > 0:
                    cells[2][0] = rng.choice(("+", "＋")) + cells[2][0]
                    done = True
                elif value < 0:
                    cells[2][0] = rng.choice(("－", "−", "–")) + cells[2][0][1:]
                    done = True
    return done


def wide_punctuation(rng, blocks):
    """Amounts and thousands typed with full-width punctuation: ``524．55``, ``1，234``."""
    done = False
    for c in independent._value_cells(blocks):
        if "." in c[0]:
            c[0] = c[0].replace(".", "．")
            done = True
        elif c[0].lstrip("-").isdigit() and abs(int(c[0])) >= 1000 and rng.random() < 0.5:
            c[0] = f"{int(c[0]):,}".replace(",", "，")
            done = True
    return done


def zero_width(rng, blocks):
    """An invisible character inside a few numbers (a zero-width space, a word joiner, a soft hyphen), as text pasted
    from web editors carries them."""
    cells = [c for c in independent._value_cells(blocks) if len(c[0]) > 1]
    for c in rng.sample(cells, min(len(cells), rng.randint(1, 3))):
        at = rng.randint(1, len(c[0]))
        c[0] = c[0][:at] + rng.choice(("\u200b", "\u2060", "\u00ad")) + c[0][at:]
    return bool(cells)


# ---- One report -----------------------------------------------------------------------------------------------------

def pick(rng, kinds):
    total = sum(n for _, n in kinds)
    at = rng.uniform(0, total)
    for kind, n in kinds:
        at -= n
        if at <= 0:
            return kind
    return kinds[-1][0]


def one(rng, number, kinds=None):
    kind = pick(rng, kinds or available_kinds())
    agency = rng.choice(independent.AGENCIES)
    year = rng.randint(2019, 2024)
    version = "2019" if year <= 2020 else "2021"
    sy, sm, sd = year + 1, rng.randint(1, 3), rng.randint(1, 28)
    published = f"{sy}-{sm:02d}-{min(sd + rng.randint(0, 3), 28):02d}"
    numbers = (independent.proactive(rng, version), independent.applications(rng, version), independent.review(rng))
    title = rng.choice((f"{agency}{year}年政府信息公开工作年度报告", f"{agency}{year}年度政府信息公开工作年度报告"))
    blocks, truth = build.report(agency, year, version, f"{sy}年{sm}月{sd}日", numbers=numbers, title=title)
    features = [f"kind:{kind}"]
    # (not in text: its pdftotext layouts take only plain numbers for values, and would print such a cell apart)
    if kind != "text" and rng.random() < 0.25 and signs(rng, blocks):
        features.append("values:signs")
    if kind != "text" and rng.random() < 0.15 and wide_punctuation(rng, blocks):
        features.append("values:wide-punctuation")
    if kind != "text" and rng.random() < 0.08 and zero_width(rng, blocks):
        features.append("values:zero-width")
    if rng.random() < 0.2:
        features.append("values:full-width")
        independent.full_width(rng)(blocks, truth)
    fmt, suffix = kind.split("-")[0], {"html": ".html", "docx": ".docx", "pdf": ".pdf", "doc": ".doc"}
    if kind in ("docx", "pdf", "doc", "markdown-pandoc"):
        data = make_docx(rng, blocks, truth, features, "pandoc" if kind == "markdown-pandoc" else kind)
        if kind == "markdown-pandoc":
            to = rng.choice(("gfm", "markdown", "markdown-simple_tables-multiline_tables", "commonmark"))
            features.append(f"pandoc:{to.split('-')[0]}{'-grid' if 'multiline' in to else ''}")
            data = pandoc(data, to)
    elif kind == "html":
        data = encode_html(rng, render_portal(rng, blocks, truth, agency, published, features), features)
        truth["published"] = published
    elif kind == "text":
        data = render_text(rng, blocks, features)
    elif kind == "markdown-markitdown":
        data = render_markitdown(rng, blocks)
    elif kind == "markdown-docling":
        data = render_docling(rng, blocks)
    else:
        data = render_ocr(rng, blocks)
    truth["failing_checks"] = build.failing_checks(truth)
    name = f"s{number:04d}_{kind}{suffix.get(fmt, '.md' if fmt == 'markdown' else '.txt')}"
    return name, data, {"file": name, "format": fmt, "layout": kind, "features": sorted(set(features)),
                        **copy.deepcopy(truth)}


def generate(directory, count, seed, kinds=None):
    """Write ``count`` reports and their truths into ``directory`` (the same seed, the same corpus); the PDFs and
    .doc files are converted by LibreOffice at the end, all in one run per format."""
    pending = []

    def make(rng, number):
        name, data, truth = one(rng, number, kinds)
        pending.extend([name] if truth["format"] in ("pdf", "doc") else [])
        return name, data, truth

    independent.generate(directory, count, seed, make=make)
    convert_all(directory, pending)
    return Path(directory)


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=71)
    args = parser.parse_args(argv)
    left = [k for k, _ in KINDS if k not in dict(available_kinds())]
    if left:  # a corpus without them scores higher than one with them: say so where the figures are made
        print(f"left out (a tool or font missing, see available_kinds): {', '.join(left)}", file=sys.stderr)
    generate(args.directory, args.count, args.seed)
    print(f"{args.count} reports in {args.directory} (seed {args.seed})")


if __name__ == "__main__":
    sys.exit(main())
