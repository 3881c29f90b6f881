"""Plain-text and tab-table readers: layouts, encodings, and input that is not text."""

from __future__ import annotations

import codecs
import copy
import pickle
from dataclasses import FrozenInstanceError, replace
from itertools import pairwise

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import nianbao
from nianbao.document import Cell, Paragraph, Table, new_cell, paragraph, paragraphs
from nianbao.errors import DecodeError
from nianbao.plugins.tsv import inner_tab_lines
from nianbao.source import SourceInfo

from .conftest import SEEDS

SEED_TSV = SEEDS / "001_33ad8f586fa9bf30.txt"
SEED_TAB_CELLS = SEEDS / "004_2dfc536c7b58f7e3.txt"
SEED_PARAGRAPHS = SEEDS / "002_6f1e0a320b3e1d76.txt"


def _encodable(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def numbers(record):
    return {k: record[k] for k in ("proactive", "applications", "review_litigation")}


@pytest.mark.parametrize("seed", [SEED_TSV, SEED_TAB_CELLS, SEED_PARAGRAPHS], ids=lambda p: p.name[:3])
@pytest.mark.parametrize("codec", ["gb18030", "gbk", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_encodings_are_detected_not_assumed(seed, codec, host):
    # GBK has no no-break or en space: such characters become plain spaces in both versions
    text = "".join(ch if _encodable(ch, codec) else " " for ch in seed.read_text("utf-8"))
    utf8 = nianbao.parse_bytes(text.encode("utf-8"), "r.txt", host=host)
    other = nianbao.parse_bytes(text.encode(codec), "r.txt", host=host)
    assert numbers(other) == numbers(utf8)
    assert other["title"] == utf8["title"]
    guessed = [i for i in other["issues"] if i["code"] == "encoding.guessed"]
    # a BOM says its encoding; GB bytes are a guess, and so is UTF-16 without a BOM (red team 2: a dead letter)
    assert bool(guessed) == codec.startswith(("gb", "utf-16-"))


def test_zero_bytes_on_one_side_do_not_make_binary_text():
    # every byte value beside a zero, as UTF-16LE would pair them: control characters, not a report
    with pytest.raises(DecodeError, match="decode as none of"):
        nianbao.decode.decode_text(bytes(b for x in range(256) for b in (x, 0)) * 8)


def test_crlf_line_ends(host):
    text = SEED_TAB_CELLS.read_text("utf-8")
    record = nianbao.parse_bytes(text.replace("\n", "\r\n").encode(), "r.txt", host=host)
    assert numbers(record) == numbers(nianbao.parse_file(SEED_TAB_CELLS, host=host))


def test_tab_cell_layout_builds_rows_and_joins_broken_cells(host):
    reader = host.reader("text")
    doc = reader.read(SEED_TAB_CELLS.read_bytes(), SourceInfo.from_uri("r.txt"))
    tables = list(doc.tables())
    cells = [c.text for t in tables for c in t.cells()]
    assert "5．要求行政机关确认或重新出\n具已获取信息" in cells
    assert "自\n然\n人" in cells
    first = tables[0]
    assert [c.text for c in first.rows[0]] == ["第二十条第（一）项"]
    assert [c.text for c in first.rows[2]] == ["规章", "0", "0", "0"]
    assert not any("[image" in p.text for p in doc.paragraphs())


def test_paragraph_layout_has_no_tables(host):
    doc = host.reader("text").read(SEED_PARAGRAPHS.read_bytes(), SourceInfo.from_uri("r.txt"))
    assert not list(doc.tables())
    assert Paragraph(text="0") in doc.blocks


def test_tsv_reader_is_chosen_by_sniffing_and_keeps_positions(host):
    record = nianbao.parse_file(SEED_TSV, host=host)
    assert record["source"]["reader"] == "tsv"
    doc = host.reader("tsv").read(SEED_TSV.read_bytes(), SourceInfo.from_uri("r.txt"))
    table = next(b for b in doc.blocks if isinstance(b, Table) and len(b.rows) > 20)
    row = next(r for r in table.rows if r[0] is not None and r[0].text.startswith("一、本年新收"))
    assert [c.text for c in row] == ["一、本年新收政府信息公开申请数量", "", "0", "0", "0", "0", "0", "0", "0", ""]


def test_binary_junk_named_txt_is_a_read_dead_letter(host):
    junk = bytes(range(256)) * 40
    outcome = nianbao.process_bytes(junk, "junk.txt", host=host)
    assert outcome.record is None
    assert outcome.dead_letter["error"]["stage"] == "read"
    assert outcome.dead_letter["source"]["uri"] == "junk.txt"
    assert "junk.txt" in str(outcome.exception)


def test_control_characters_are_binary_not_text(host):
    reader = host.reader("text")
    with pytest.raises(DecodeError, match="binary"):
        reader.read(b"\x01\x02\x03\x04abc\x05\x06" * 100, SourceInfo.from_uri("x.txt"))


@pytest.mark.parametrize(
    ("data", "uri", "stage", "kind"),
    [
        (b"", "empty.txt", "detect", "EmptyDocumentError"),
        (b"  \n\n ", "blank.txt", "detect", "EmptyDocumentError"),
        (bytes(range(256)) * 10, "image.png", "detect", "DetectError"),
        (codecs.BOM_UTF8 + b"\xff\xfe\xfa", "bad-bom.txt", "read", "DecodeError"),
    ],
)
def test_unreadable_inputs_become_dead_letters(data, uri, stage, kind, host):
    outcome = nianbao.process_bytes(data, uri, host=host)
    assert outcome.record is None
    error = outcome.dead_letter["error"]
    assert (error["stage"], error["type"]) == (stage, kind)
    assert error["message"]
    assert outcome.dead_letter["source"]["bytes"] == len(data)


def test_a_text_that_is_not_a_report_is_a_record_with_an_issue(host):
    record = nianbao.parse_bytes("今天天气很好。\n我们去公园散步。\n".encode(), "news.txt", host=host)
    assert record["issues"][0]["code"] == "report.no_sections"
    assert record["applications"] == {} and record["template"] is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="a中 \u3000\t\n\r", max_size=60), st.integers(min_value=1, max_value=4))
def test_inner_tab_lines_counts_the_lines_with_a_tab_after_text(text, most):
    # the sniff's definition, line by line: a tab right after a character that is not whitespace
    lines = [line for line in text.split("\n") if any(a.strip() and b == "\t" for a, b in pairwise(line))]
    assert inner_tab_lines(text, most) == min(len(lines), most)



def test_cells_the_readers_make_are_ordinary_cells():
    # new_cell fills a CellSlots, then makes it a Cell (nianbao.document): every use of a Cell must hold
    made = new_cell("本年新收", 2, 3, 1, 4)
    built = Cell(text="本年新收", row=2, col=3, colspan=4)
    assert type(made) is Cell and made == built and hash(made) == hash(built) and repr(made) == repr(built)
    assert pickle.loads(pickle.dumps(made)) == built and copy.deepcopy(made) == built
    assert replace(made, text="0") == Cell(text="0", row=2, col=3, colspan=4)
    with pytest.raises(FrozenInstanceError):
        made.text = "1"  # type: ignore[misc]
    assert paragraph("一、总体情况") == Paragraph(text="一、总体情况")
    made_in_c = paragraphs(["一、总体情况", "0"])
    assert made_in_c == [Paragraph(text="一、总体情况"), Paragraph(text="0")] and paragraphs([]) == []
    assert all(type(p) is Paragraph for p in made_in_c) and pickle.loads(pickle.dumps(made_in_c)) == made_in_c
    with pytest.raises(FrozenInstanceError):
        made_in_c[0].text = "1"  # type: ignore[misc]
    table = Table.from_texts([["规章", "0"], ["行政许可"]])
    assert table == Table(rows=((Cell(text="规章"), Cell(text="0", col=1)), (Cell(text="行政许可", row=1),)))


@pytest.mark.parametrize("seed", [SEED_TSV, SEED_TAB_CELLS], ids=lambda p: p.name[:3])
def test_a_table_of_texts_reads_as_the_same_table_of_cells(seed, host):
    # the text readers' tables keep their texts and make Cells only when rows are read (nianbao.document.Table):
    # every reader of a table's texts must see what the same table of Cells gives
    from nianbao.fit import tokens_of
    from nianbao.limits import check_document
    from nianbao.parse import read_document

    document, _ = read_document(seed.read_bytes(), SourceInfo.from_uri(str(seed)), host)
    tables = [block for block in document.blocks if isinstance(block, Table)]
    assert tables and all(table.texts is not None for table in tables)
    as_cells = tuple(Table(rows=block.rows) if isinstance(block, Table) else block for block in document.blocks)
    assert all(isinstance(b, Paragraph) or b.texts is None for b in as_cells) and as_cells == document.blocks
    assert tokens_of(document.blocks) == tokens_of(as_cells)
    for table, cells in zip(tables, (b for b in as_cells if isinstance(b, Table)), strict=True):
        assert [*table.cell_texts()] == [*cells.cell_texts()] and [*table.row_texts()] == [*cells.row_texts()]
    assert check_document(document) == check_document(replace(document, blocks=as_cells))
    assert replace(tables[0], rows=()).texts is None  # a table made anew from cells keeps no texts


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="a中 \u3000\n\r-:0|", max_size=80))
def test_a_text_without_tabs_or_bars_reads_as_the_line_by_line_reader_reads_it(text):
    # a text without a tab or a line ending in a bar is read in one comprehension (plugins/text.py); a tab cell
    # after it sends the same lines through the line-by-line loop, which must give the same blocks before it
    from nianbao.plugins.text import TextReader

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assume(not any(line.strip().endswith("|") for line in lines))  # a bar inside a line is no row
    reader, source = TextReader(), SourceInfo.from_uri("report.txt")
    fast = reader.read(text.encode(), source)
    assert fast.sizes is None  # read in one comprehension: the limits count its paragraphs, the reader did not
    fast = fast.blocks
    slow = reader.read((text + "\n\t末").encode(), source).blocks
    assert all(isinstance(block, Paragraph) for block in fast)
    assert fast == slow[:-1] and slow[-1] == Table.from_texts([["末"]])


@pytest.mark.parametrize("name", ["003_e1faf3f31da2fcd8.txt", "synth_00002_text-paragraphs.txt"])
def test_a_seed_without_tabs_or_bars_reads_as_the_line_by_line_reader_reads_it(name):
    from nianbao.plugins.text import TextReader

    seed = SEEDS / name  # a real report's cells as paragraphs; a generated one, with page chrome ``a | b``
    data = seed.read_bytes()
    assert b"\t" not in data
    reader, source = TextReader(), SourceInfo.from_uri(str(seed))
    fast = reader.read(data, source)
    assert fast.sizes is None  # read in one comprehension: the limits count its paragraphs, the reader did not
    assert fast.blocks == reader.read(data + "\n\t末".encode(), source).blocks[:-1]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='a中 \t\n|"-0', max_size=120))
def test_the_sizes_the_text_readers_count_bound_what_the_limits_would_walk(text):
    # the text readers count blocks and a length no text exceeds as they read (Document.sizes), and the limits
    # take those instead of walking the document: the count must be exact, the length never short
    from nianbao.limits import check_document
    from nianbao.plugins.text import TextReader
    from nianbao.plugins.tsv import TsvReader

    for reader in (TextReader(), TsvReader()):
        document = reader.read(text.encode(), SourceInfo.from_uri("report.txt"))
        walked = replace(document)  # a document made from another is not counted: the limits walk it
        assert walked.sizes is None
        if document.sizes is None:  # paragraphs only: the limits count those in one C pass
            assert all(isinstance(block, Paragraph) for block in document.blocks)
            continue
        blocks, longest = document.sizes
        assert blocks == sum(len([*b.cells()]) if isinstance(b, Table) else 1 for b in document.blocks)
        assert longest >= check_document(walked)
