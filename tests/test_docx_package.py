"""The DOCX reader and the package around the main part: relationships, text boxes, imported chunks.

Files are built with python-docx (the full report of ``test_docx``) and then
edited as a zip: parts renamed, ``_rels/.rels`` and ``[Content_Types].xml``
rewritten, text boxes inserted into ``word/document.xml``, ``w:altChunk``
parts added with their relationship and content type.
"""

from __future__ import annotations

import io
import quopri
import zipfile
from urllib.parse import unquote

import pytest
from lxml import etree

import nianbao
from nianbao.document import Paragraph
from nianbao.errors import ReadError, ZipLimitError
from nianbao.plugins.docx import DocxReader

from .test_docx import APPLICATION_VALUES, assert_full_report, bomb, dead_letter, read, report, tiny_docx

OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
STRICT_OFFICE_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"
TRANSITIONAL_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def edit_zip(data: bytes, *, rename: dict[str, str] | None = None, replace: dict[str, bytes] | None = None,
             drop: set[str] = frozenset(), add: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip with entries renamed, replaced (by their old name), dropped and added."""
    rename, replace, add = rename or {}, replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            body = replace.get(info.filename, None)
            dst.writestr(rename.get(info.filename, info.filename), src.read(info) if body is None else body)
        for name, body in add.items():
            dst.writestr(name, body)
    return out.getvalue()


def part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def moved_main_part(data: bytes, new: str, *, rel_type: str = OFFICE_DOCUMENT, decoy: bool = True) -> bytes:
    """``data`` with ``word/document.xml`` moved to ``new`` (its relationships part too), ``_rels/.rels`` and
    ``[Content_Types].xml`` rewritten to match, and (``decoy``) an empty document left at the old name."""
    entry = unquote(new)  # the target is a URI: percent-encoded
    folder, _, leaf = entry.rpartition("/")
    rels = part(data, "_rels/.rels").decode()
    rels = rels.replace(f'Type="{OFFICE_DOCUMENT}" Target="word/document.xml"', f'Type="{rel_type}" Target="{new}"')
    assert new in rels
    types = part(data, "[Content_Types].xml").decode().replace('PartName="/word/document.xml"', f'PartName="/{new}"')
    moved = edit_zip(data, rename={"word/document.xml": entry,
                                   "word/_rels/document.xml.rels": f"{folder}/_rels/{leaf}.rels"},
                     replace={"_rels/.rels": rels.encode(), "[Content_Types].xml": types.encode()})
    if decoy:
        moved = edit_zip(moved, add={"word/document.xml": part(tiny_docx("<w:p><w:r><w:t>decoy</w:t></w:r></w:p>"),
                                                                "word/document.xml")})
    return moved


# --------------------------------------------------------------------------
# The main part is the target of the officeDocument relationship
# --------------------------------------------------------------------------


@pytest.mark.parametrize("new", ["word/document2.xml", "word/main.xml", "content/report%20body.xml"])
def test_the_main_part_is_found_through_the_package_relationships(new):
    data = moved_main_part(report(), new)
    record = nianbao.parse_bytes(data, uri="x.docx")
    assert_full_report(record)
    assert record["applications"]["granted"]["total"] == APPLICATION_VALUES["granted"]["total"]
    assert record["issues"] == []


def test_strict_open_xml_main_part_with_the_strict_relationship_type():
    data = moved_main_part(report(), "word/document2.xml", rel_type=STRICT_OFFICE_DOCUMENT)
    xml = part(data, "word/document2.xml").replace(TRANSITIONAL_W.encode(), STRICT_W.encode())
    data = edit_zip(data, replace={"word/document2.xml": xml})
    record = nianbao.parse_bytes(data, uri="x.docx")
    assert_full_report(record)
    assert record["applications"] == APPLICATION_VALUES


def test_without_package_relationships_word_document_xml_is_read():
    record = nianbao.parse_bytes(edit_zip(report(), drop={"_rels/.rels"}), uri="x.docx")
    assert_full_report(record)
    assert record["issues"] == []


@pytest.mark.parametrize(("rels", "says"), [
    (b"<Relationships", "cannot be read"),
    (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>',
     "names no main document part"),
    (f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
     f'Type="{OFFICE_DOCUMENT}" Target="word/gone.xml"/></Relationships>'.encode(), "names word/gone.xml"),
], ids=["malformed", "no-main-part", "dangling"])
def test_broken_package_relationships_fall_back_to_word_document_xml_with_a_warning(rels, says):
    record = nianbao.parse_bytes(edit_zip(report(), replace={"_rels/.rels": rels}), uri="x.docx")
    assert record["applications"] == APPLICATION_VALUES
    [issue] = record["issues"]
    assert (issue["level"], issue["code"]) == ("warning", "docx.package")
    assert says in issue["message"] and "read word/document.xml" in issue["message"]


def test_a_missing_main_part_is_a_read_error_naming_it():
    data = moved_main_part(report(), "word/document2.xml", decoy=False)
    error = dead_letter(edit_zip(data, drop={"word/document2.xml"}))
    assert (error["stage"], error["type"]) == ("read", "ReadError")
    assert error["message"].startswith("not a Word document: _rels/.rels names word/document2.xml as the main "
                                       "document part, and the zip has neither it nor word/document.xml")
    error = dead_letter(edit_zip(report(), drop={"_rels/.rels", "word/document.xml"}))
    assert error["message"].startswith("not a Word document: no word/document.xml in the zip, and no _rels/.rels")


def test_the_zip_limits_apply_to_a_renamed_main_part_and_to_the_relationships():
    data = moved_main_part(edit_zip(bomb(30 << 20), add={"_rels/.rels": part(report(), "_rels/.rels"),
                                                         "[Content_Types].xml": part(report(), "[Content_Types].xml"),
                                                         "word/_rels/document.xml.rels": b"<Relationships/>"},
                                    drop={"[Content_Types].xml"}), "word/document2.xml", decoy=False)
    error = dead_letter(data)
    assert error["type"] == "ZipLimitError"
    assert error["message"].startswith("word/document2.xml would inflate 1,0")
    huge = b"<Relationships>" + b" " * (20 << 20) + b"</Relationships>"
    rels_bomb = edit_zip(report(), replace={"_rels/.rels": huge})
    error = dead_letter(rels_bomb)
    assert error["type"] == "ZipLimitError" and error["message"].startswith("_rels/.rels would inflate")


def test_all_parts_together_stay_under_max_total_bytes():
    data = report()
    main = len(part(data, "word/document.xml"))
    with pytest.raises(ZipLimitError, match=r"word/document\.xml takes the parts read .*DocxReader\.max_total_bytes"):
        read(data, DocxReader(max_total_bytes=main))  # _rels/.rels is read first
    assert len(read(data, DocxReader(max_total_bytes=main + 10_000)).blocks) > 10


def test_document_xml_returns_the_main_part():
    data = moved_main_part(report(), "word/document2.xml")
    assert DocxReader().document_xml(data) == part(data, "word/document2.xml") != part(data, "word/document.xml")
    with pytest.raises(ReadError, match="not a Word document"):
        DocxReader().document_xml(edit_zip(data, drop={"word/document2.xml", "word/document.xml"}))


# --------------------------------------------------------------------------
# Text boxes: read once, at the anchor's position
# --------------------------------------------------------------------------

NS = {
    "w": TRANSITIONAL_W,
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
}
DECLS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items())
W = f"{{{TRANSITIONAL_W}}}"


def drawing_box(content: str) -> str:
    """A floating DrawingML text box (``wps:txbx``) holding ``content`` (paragraphs and tables)."""
    return ('<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
            'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
            '<wp:extent cx="5000000" cy="600000"/><wp:docPr id="1" name="文本框 1"/><a:graphic><a:graphicData '
            'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:spPr/>'
            f"<wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>"
            "</a:graphicData></a:graphic></wp:anchor></w:drawing>")


def vml_box(content: str) -> str:
    """A VML text box (``w:pict/v:shape/v:textbox``) holding ``content``."""
    return (f'<w:pict><v:shape id="tb1" style="position:absolute;width:400pt;height:40pt"><v:textbox>'
            f"<w:txbxContent>{content}</w:txbxContent></v:textbox></v:shape></w:pict>")


def word_box(content: str, fallback: str | None = None) -> str:
    """A text box as Word 2010+ writes it: DrawingML in ``mc:Choice``, the same box as VML in ``mc:Fallback``."""
    return (f'<mc:AlternateContent><mc:Choice Requires="wps">{drawing_box(content)}</mc:Choice>'
            f"<mc:Fallback>{vml_box(content if fallback is None else fallback)}</mc:Fallback></mc:AlternateContent>")


def in_run(box: str, *, before: str = "", after: str = "") -> str:
    """A paragraph anchoring ``box`` in a run between the texts ``before`` and ``after``."""
    run = lambda text: f"<w:r><w:t>{text}</w:t></w:r>" if text else ""  # noqa: E731
    return f"<w:p {DECLS}>{run(before)}<w:r>{box}</w:r>{run(after)}</w:p>"


def boxed(data: bytes, edit) -> bytes:
    """``data`` with ``word/document.xml`` edited as a tree by ``edit(body)``."""
    root = etree.fromstring(part(data, "word/document.xml"))
    edit(root.find(f"{W}body"))
    return edit_zip(data, replace={"word/document.xml": etree.tostring(root, xml_declaration=True,
                                                                         encoding="UTF-8", standalone=True)})


def _text(p) -> str:
    return "".join(p.itertext())


def title_in_a_text_box(body, fallback: str | None = None) -> None:
    """Move the title paragraph into a Word text box anchored at the start of the first heading's paragraph."""
    title = body[0]
    body.remove(title)
    xml = etree.tostring(title, encoding=str)
    heading = body[0]
    assert _text(heading) == "一、总体情况"
    anchor = etree.fromstring(in_run(word_box(xml, fallback)))
    heading.insert(0, anchor[0])


def test_a_title_in_a_text_box_is_read_once_before_its_anchor_paragraph():
    data = boxed(report(), title_in_a_text_box)
    document = read(data)
    texts = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    assert texts[:2] == ["天津市东丽区工业和信息化局\n2021年政府信息公开工作年度报告", "一、总体情况"]
    assert sum("年度报告" in t for t in texts) == 1  # the Fallback's copy is not read
    record = nianbao.parse_bytes(data, uri="x.docx")
    assert_full_report(record)
    assert record["applications"]["granted"]["total"] == APPLICATION_VALUES["granted"]["total"]


def test_a_table_in_a_vml_text_box_is_a_table_in_document_order():
    def move_review_table(body):
        heading = next(p for p in body if _text(p).startswith("四、"))
        table = heading.getnext()
        assert table.tag == f"{W}tbl"
        body.remove(table)
        heading.addnext(etree.fromstring(in_run(vml_box(etree.tostring(table, encoding=str)))))

    data = boxed(report(), move_review_table)
    kinds = [type(b).__name__ for b in read(data).blocks]
    assert kinds.count("Table") == 3
    record = nianbao.parse_bytes(data, uri="x.docx")
    assert_full_report(record)
    assert record["review_litigation"]["review"]["total"] == 4


def test_a_text_box_cuts_its_paragraph_at_the_anchor():
    box = word_box("<w:p><w:r><w:t>框内一</w:t></w:r></w:p><w:p><w:r><w:t>框内二</w:t></w:r></w:p>")
    document = read(tiny_docx(in_run(box, before="前文", after="后文")))
    assert [b.text for b in document.blocks] == ["前文", "框内一", "框内二", "后文"]


def test_text_boxes_in_a_cell_are_lines_of_the_cell_and_boxes_in_boxes_are_read_once():
    inner = word_box("<w:p><w:r><w:t>内框</w:t></w:r></w:p>")
    outer = word_box(f"<w:p><w:r><w:t>外框</w:t></w:r></w:p>{in_run(inner)}")
    cell = f"<w:tc>{in_run(outer, before='格前')}</w:tc><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc>"
    document = read(tiny_docx(f"<w:tbl><w:tr>{cell}</w:tr><w:tr>{cell}</w:tr></w:tbl>{in_run(outer)}"))
    table, *paragraphs = document.blocks
    assert [c.text for c in table.rows[0]] == ["格前\n外框\n内框", "2"]
    assert [p.text for p in paragraphs] == ["外框", "内框"]


def test_the_fallback_is_read_when_only_it_holds_the_box_and_hidden_boxes_are_not():
    only_fallback = ('<mc:AlternateContent><mc:Choice Requires="wpc"><w:drawing/></mc:Choice>'
                     f'<mc:Fallback>{vml_box("<w:p><w:r><w:t>备用</w:t></w:r></w:p>")}</mc:Fallback>'
                     "</mc:AlternateContent>")
    hidden = (f"<w:p {DECLS}><w:r><w:rPr><w:vanish/></w:rPr>"
              f'{word_box("<w:p><w:r><w:t>隐藏</w:t></w:r></w:p>")}</w:r></w:p>')
    document = read(tiny_docx(in_run(only_fallback) + hidden))
    assert [b.text for b in document.blocks] == ["备用"]
    paragraph_level = (f"<w:p {DECLS}><mc:AlternateContent><mc:Choice Requires='wps'><w:r>"
                       f'{drawing_box("<w:p><w:r><w:t>选择</w:t></w:r></w:p>")}</w:r></mc:Choice><mc:Fallback><w:r>'
                       f'{vml_box("<w:p><w:r><w:t>选择</w:t></w:r></w:p>")}</w:r></mc:Fallback>'
                       "</mc:AlternateContent></w:p>")
    assert [b.text for b in read(tiny_docx(paragraph_level)).blocks] == ["选择"]


# --------------------------------------------------------------------------
# Imported chunks (w:altChunk): HTML, MHT, text, .docx read at their position
# --------------------------------------------------------------------------

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
AF_CHUNK = f"{R_NS}/aFChunk"


def alt_chunk(rid: str) -> str:
    return f'<w:altChunk xmlns:r="{R_NS}" r:id="{rid}"/>'


def with_chunks(body_xml: str, chunks: dict[str, tuple[str, bytes, str]], base: bytes | None = None) -> bytes:
    """A DOCX whose body is ``body_xml``, with each chunk ``rid → (part name, bytes, content type)`` added as a
    part, with its relationship (type aFChunk, absolute target) and its content type Override."""
    data = base or tiny_docx(body_xml)
    rels = part(data, "word/_rels/document.xml.rels").decode()
    types = part(data, "[Content_Types].xml").decode()
    for rid, (name, _, content_type) in chunks.items():
        rels = rels.replace("</Relationships>", f'<Relationship Id="{rid}" Type="{AF_CHUNK}" Target="/{name}"/>'
                                                "</Relationships>")
        types = types.replace("</Types>", f'<Override PartName="/{name}" ContentType="{content_type}"/></Types>')
    return edit_zip(data, replace={"word/_rels/document.xml.rels": rels.encode(),
                                   "[Content_Types].xml": types.encode()},
                    add={name: body for name, body, _ in chunks.values()})


def html_report(charset: str = "utf-8") -> bytes:
    from .test_html import page, report_body

    html = page(report_body(), head=f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">')
    return html.encode(charset)


def mht(html: bytes) -> bytes:
    """An MHT web archive as html-docx-js writes ``word/afchunk.mht``: the page quoted-printable."""
    return (b'MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n    type="text/html";\r\n'
            b'    boundary="----=mhtDocumentPart"\r\n\r\n\r\n------=mhtDocumentPart\r\n'
            b'Content-Type: text/html;\r\n    charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n'
            b"Content-Location: file:///C:/fake/document.html\r\n\r\n" + quopri.encodestring(html) +
            b"\r\n\r\n------=mhtDocumentPart--\r\n")


def assert_html_report(record) -> None:
    from .test_html import assert_full_report as assert_full_html_report

    assert record["source"]["reader"] == "docx"
    assert_full_html_report(record)


@pytest.mark.parametrize(("name", "content_type", "body"), [
    ("word/afchunk.htm", "text/html", lambda: html_report()),
    ("word/afchunk.htm", "application/xhtml+xml", lambda: html_report("gbk")),
    ("word/afchunk.mht", "message/rfc822", lambda: mht(html_report())),
], ids=["html", "gbk-html", "mht"])
def test_a_word_file_that_is_html_in_an_alt_chunk_reads_every_value(name, content_type, body):
    data = with_chunks(alt_chunk("htmlChunk"), {"htmlChunk": (name, body(), content_type)})
    record = nianbao.parse_bytes(data, uri="x.docx")
    assert_html_report(record)
    assert record["applications"]["granted"]["total"] == 5  # 3 natural persons, 2 commercial enterprises
    assert "docx.alt_chunk" not in codes(record)


def codes(record) -> set[str]:
    return {issue["code"] for issue in record["issues"]}


def test_chunks_are_read_at_their_position_among_the_documents_own_paragraphs():
    from .test_html import APPLICATIONS_2021, applications_table

    p = lambda text: f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"  # noqa: E731
    body = (p("三、收到和处理政府信息公开申请情况") + alt_chunk("rIdTable") + p("四、行政复议") + alt_chunk("rIdText")
            + p("末段"))
    data = with_chunks(body, {
        "rIdTable": ("word/chunk1.html", f"<html><body>{applications_table()}</body></html>".encode(), "text/html"),
        "rIdText": ("word/chunk2.txt", "第一行\n\n  第二行  \n".encode("gb18030"), "text/plain"),
    })
    blocks = read(data).blocks
    assert [type(b).__name__ if not isinstance(b, Paragraph) else b.text for b in blocks] == [
        "三、收到和处理政府信息公开申请情况", "Table", "四、行政复议", "第一行", "第二行", "末段"]
    record = nianbao.parse_bytes(data, uri="x.docx")
    assert record["applications"]["granted"] == APPLICATIONS_2021["granted"]


def test_a_docx_chunk_is_read_recursively_and_a_self_import_stops():
    data = with_chunks(alt_chunk("rIdDoc"), {"rIdDoc": (
        "word/sub/report.docx", report(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")})
    record = nianbao.parse_bytes(data, uri="x.docx")
    assert_full_report(record)
    assert record["applications"]["granted"]["total"] == APPLICATION_VALUES["granted"]["total"]
    # a WordprocessingML part that imports itself: read MAX_CHUNK_DEPTH deep, then noted
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    loop = with_chunks("", {"rIdSelf": ("word/loop.xml", part(tiny_docx(
        f"<w:p><w:r><w:t>圈</w:t></w:r></w:p>{alt_chunk('rIdSelf')}"), "word/document.xml"), main)},
        base=tiny_docx(alt_chunk("rIdSelf")))
    rels = part(loop, "word/_rels/document.xml.rels")
    loop = edit_zip(loop, add={"word/_rels/loop.xml.rels": rels})
    document = read(loop)
    assert [b.text for b in document.blocks] == ["圈"] * 3
    [note] = [n for n in document.notes if n.code == "docx.alt_chunk"]
    assert "nests documents more than 3 deep" in note.message


def test_rtf_and_unresolvable_chunks_stay_issues():
    data = with_chunks(alt_chunk("rIdRtf") + alt_chunk("rIdGone") + "<w:p><w:r><w:t>正文</w:t></w:r></w:p>",
                       {"rIdRtf": ("word/chunk.rtf", rb"{\rtf1 hello}", "application/rtf")})
    document = read(data)
    assert [b.text for b in document.blocks] == ["正文"]
    [note] = document.notes
    assert (note.level, note.code) == ("warning", "docx.alt_chunk")
    assert note.message.startswith("2 imported chunk(s)")
    assert "word/chunk.rtf is RTF" in note.message and "rIdGone names no part" in note.message


def test_the_zip_limits_apply_to_chunk_parts():
    html = b"<html><body><p>" + b" " * (20 << 20) + b"</p></body></html>"
    data = with_chunks(alt_chunk("rIdBig"), {"rIdBig": ("word/big.htm", html, "text/html")})
    error = dead_letter(data)
    assert error["type"] == "ZipLimitError" and error["message"].startswith("word/big.htm would inflate")
    many = with_chunks("".join(alt_chunk(f"r{n}") for n in range(3)),
                       {f"r{n}": (f"word/c{n}.htm", html_report(), "text/html") for n in range(3)})
    size = len(html_report())
    with pytest.raises(ZipLimitError, match=r"word/c2\.htm takes the parts read .*max_total_bytes"):
        read(many, DocxReader(max_total_bytes=2 * size + 20_000))


def test_max_elements_counts_chunk_parts_with_the_main_part():
    from nianbao.limits import Limits

    html = html_report()
    data = with_chunks(alt_chunk("rIdHtml"), {"rIdHtml": ("word/afchunk.htm", html, "text/html")})
    outcome = nianbao.process_bytes(data, "x.docx", limits=Limits(max_elements=html.count(b"<") + 10))
    error = outcome.dead_letter["error"]
    assert error["type"] == "DocumentLimitError"
    assert "word/afchunk.htm with the parts read before it has" in error["message"]
    assert nianbao.process_bytes(data, "x.docx", limits=Limits(max_elements=html.count(b"<") * 2)).record
