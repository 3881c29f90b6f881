"""Traditional-character (繁體) reports, in Big5 or UTF-8: every number as in the simplified original.

The material is made by OpenCC (``tests/make_traditional.py``): the committed Big5 report, and
in-memory conversions of the seeds and real reports to Taiwan and Hong Kong traditional forms.
"""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest

import nianbao
from nianbao.decode import decode_text
from nianbao.template import TRADITIONAL, normalise_label, parse_cell, simplified

from .conftest import REAL, SAMPLES, SEED_FILES
from .make_traditional import BIG5_REPORT, SEED, big5_report, traditional_pairs

#: What must not change when a report is printed in traditional characters.
SAME = ("year", "template", "proactive", "applications", "review_litigation", "checks")


def _utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


#: The seeds, text and HTML samples and real reports that are UTF-8 (a GBK page's meta charset would lie).
TEXT_REPORTS = [path for path in (*SEED_FILES, *sorted(SAMPLES.glob("synth_*.txt")),
                                  *sorted(SAMPLES.glob("synth_*.html")), *sorted(REAL.glob("*.txt")),
                                  *sorted(REAL.glob("*.html"))) if _utf8(path)]


def test_the_table_is_what_opencc_gives_for_the_template_words():
    committed = {chr(k): chr(v) for k, v in TRADITIONAL.items()}
    assert committed == traditional_pairs(), "run `python -m tests.make_traditional` and paste the table"


def test_the_committed_big5_report_is_what_the_script_makes():
    assert BIG5_REPORT.read_bytes() == big5_report()


def test_a_big5_report_reads_as_its_simplified_original(host):
    original = nianbao.parse_file(SEED, host=host)
    record = nianbao.parse_file(BIG5_REPORT, host=host)
    for key in SAME:
        assert record[key] == original[key], key
    assert record["proactive"]["procurement"] == {"projects": 2, "amount_wan": 134.8}  # printed 134.8萬元
    assert [i["code"] for i in record["issues"]] == ["encoding.guessed"]
    assert "big5" in record["issues"][0]["message"] and "charset-normalizer" in record["issues"][0]["message"]
    # text fields are as printed, in traditional characters
    assert record["title"] == "淄博市工業和信息化局2020年度政府信息公開工作年度報告"
    assert record["agency"] == "淄博市工業和信息化局"
    assert record["sections"].keys() == original["sections"].keys()


def test_big5_bytes_are_not_decoded_as_gb18030():
    data = BIG5_REPORT.read_bytes()
    assert data.decode("gb18030")  # GB18030 accepts them: only a detector can tell
    decoded = decode_text(data)
    assert decoded.encoding in ("big5", "cp950", "big5hkscs")
    assert decoded.text.startswith("淄博市工業和信息化局")
    gb = SEED.read_text("utf-8").encode("gb18030")
    assert decode_text(gb).encoding == "gb18030"
    assert decode_text(data, declared="gb18030").encoding == "gb18030"  # a declaration that decodes is believed


@pytest.mark.parametrize("variant", ["s2tw", "s2hk"])
@pytest.mark.parametrize("path", TEXT_REPORTS, ids=lambda p: p.name[:24])
def test_every_text_report_in_traditional_characters_reads_the_same(path, variant, host):
    data = path.read_bytes()
    original = nianbao.parse_bytes(data, path.name, host=host)
    converted = opencc.OpenCC(variant).convert(data.decode("utf-8")).encode("utf-8")
    record = nianbao.parse_bytes(converted, path.name, host=host)
    for key in SAME:
        assert record[key] == original[key], key
    assert [(i["code"], i["where"]) for i in record["issues"]] == \
        [(i["code"], i["where"]) for i in original["issues"]]
    convert = opencc.OpenCC(variant).convert
    for key in ("title", "agency"):  # as printed: the converted text's
        assert record[key] == (convert(original[key]) if original[key] is not None else None), key


def test_labels_and_cells_in_traditional_characters():
    assert normalise_label("一、總體情況") == normalise_label("一、总体情况") == "总体情况"
    assert normalise_label("（三）不予公開") == "不予公开"
    assert parse_cell("134.8萬元") == parse_cell("134.8万元") == (134.8, "wan")
    assert parse_cell("無") == parse_cell("无")
    text = "淄博市工業和信息化局2020年度政府信息公開工作年度報告"
    assert len(simplified(text)) == len(text) and simplified(text).endswith("公开工作年度报告")
