"""The DOCX reader and the package around the main part: relationships, text boxes, imported chunks.

Files are built with python-docx (the full report of ``test_docx``) and then
edited as a zip: parts renamed, ``_rels/.rels`` and ``[Content_Types].xml``
rewritten, text boxes inserted into ``word/document.xml``, ``w:altChunk``
parts added with their relationship and content type.
"""

from __future__ import annotations

import io
import zipfile
from urllib.parse import unquote

import pytest

import nianbao
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
