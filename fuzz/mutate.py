"""Mutating seed reports into fuzz inputs.

A case is a seed plus a few random edits. Hypothesis draws the seed and a
64-bit mutation seed (see :func:`cases`); a :class:`random.Random` seeded with
it makes the edits, so drawing a case costs microseconds and every case is
reproducible from its two numbers (the recipe, saved with every finding).

Edits work where each reader looks:

- text, tab tables and HTML are edited as *text* (decoded first), then encoded
  (mostly UTF-8, sometimes GB18030, UTF-16 with a BOM or Big5), so most cases
  get past the decoder; a share of cases also get raw byte edits, for it;
- text edits: insert a token (headings, row labels, numbers and their odd
  spellings, tabs, line breaks, brackets; tags, spans, entities, charsets and
  DOCTYPEs for HTML), random characters, delete, duplicate, repeat a span up to
  half a megabyte (long lines, deep nesting, many rows), splice from another
  seed, truncate, swap, replace a number, join lines (crawler-glued text),
  shuffle lines;
- a .docx is rebuilt as a zip after editing ``word/document.xml`` as a tree
  (duplicate, delete, move or wrap elements; odd ``gridSpan``/``vMerge``/
  ``gridBefore`` values; nested tables; nesting past libxml2's 256 levels),
  or as text, or after dropping, duplicating, renaming or multiplying zip
  entries, or as raw zip bytes.

Inputs are capped at ``MAX_BYTES``: the size limits are tested on their own.
"""

from __future__ import annotations

import copy
import io
import random
import re
import zipfile
from dataclasses import dataclass

from hypothesis import strategies as st
from lxml import etree

from .seeds import Seed

MAX_BYTES = 2 * 1024 * 1024
MAX_EDITS = 6
#: Share of cases that start from a window of their seed (a run of lines, or of DOCX body elements)
#: rather than all of it.
FRAGMENT_SHARE = 0.4
#: Longest run a "repeat" edit builds.
MAX_REPEAT_CHARS = 512 * 1024

HEADINGS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
            "政府信息公开工作年度报告", "2023年度", "（一）主动公开")
LABELS = ("予以公开", "部分公开", "总计", "规章", "规范性文件", "行政许可", "行政处罚", "行政事业性收费",
          "政府集中采购", "（三）不予公开", "1.属于国家秘密", "本年新收政府信息公开申请数量", "自然人", "商业企业",
          "行政复议", "结果维持", "尚未审结", "信息内容", "本年新制作数量", "上一年项目数量", "本年增/减",
          "（七）总计", "四、结转下年度继续办理", "(单位：万元)", "第二十条第（一）项", "属于行政", "查询事项",
          "其他", "法人或其他组织", "申请人情况")
NUMBERS = ("0", "1", "7", "12", "396", "3960181", "1234567890123456789012345678901234567890", "１２", "1,234",
           "134.8万元", "1,348,000元", "3件", "-3", "—", "-", "/", "无", "0.00", "2.0", "1.2.3", "9" * 30,
           "9" * 400, "1" * 5000, "1e308", "NaN", "inf", "−5", "٣", "2648-18538", "0000")
TEXT_TOKENS = ("\t", "\t\t\t", "\n", "\n\n", "\r\n", "\r", " ", "\u3000", "\xa0", "\ufeff", "\x00", "\x0c",
               "\u200b", "\U0001f600", "\ud7ff", "[image: x]", "[bookmark: _GoBack]", "（", "）", "(", ")",
               "(" * 50, "【", "〔", "标题:", "发布日期：2022-01-26", "2022年1月13日", "版权所有", "来源：",
               "附件：", "打印本页")
#: Markdown that OCR and PDF converters write: pipes, delimiter rows, headings, breaks, HTML table blocks.
MARKDOWN_TOKENS = ("|", " | ", "|---|---|", "\n|---|\n", "\n| a | b |\n", "# ", "\n## ", "<br>", "\\|", "**",
                   "![x](y.png)", "[t](u)", "> ", "\n***\n", "\n<table>", "</table>\n", "\n---|---\n")
HTML_TOKENS = ("<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", '<td rowspan="0">',
               '<td rowspan="65534">', '<td colspan="1000">', '<td colspan="-1">', '<td rowspan="x2">', "<br>",
               "<br/>", "<p>", "</p>", "<div>", "</div>", "<span>", "<h1>", "<li>", "<pre>", "<script>",
               "</script>", "<style>", "<!--", "-->", "<![CDATA[", "]]>", '<!DOCTYPE html [<!ENTITY x "y">]>',
               '<!DOCTYPE html SYSTEM "http://127.0.0.1:9/x.dtd">', "&nbsp;", "&#0;", "&#xFFFF;", "&#x110000;",
               "&x;", "&amp;", '<meta charset="gbk">', '<meta charset="utf-16">', '<meta charset="nope">',
               "<title>", "</title>", "<publishtime>2022-01-26</publishtime>",
               '<meta name="PubDate" content="2022-01-26">', "<?xml version='1.0' encoding='utf-16'?>",
               "<form>", "<nav>", "<footer>", "<table><tr><td><table>", "<tbody>", "<thead>", "<caption>",
               "<iframe src='http://127.0.0.1:9/'>", "<img src='file:///etc/passwd'>", "<svg>", "<math>",
               "<html>", "<body>", "<o:p></o:p>", "<font>", "</td></tr></table>")
DOCX_TOKENS = ("<w:p>", "</w:p>", "<w:r>", "</w:r>", "<w:t>", "</w:t>", "<w:br/>", "<w:tbl>", "</w:tbl>", "<w:tr>",
               "<w:tc>", "&amp;", "&x;", "&#0;", '<!DOCTYPE d [<!ENTITY x "y">]>',
               '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "<?xml version='1.0' encoding='gbk'?>")
TEXT_EDITS = ("token", "token", "token", "chars", "delete", "duplicate", "repeat", "splice", "truncate", "swap",
              "number", "number", "join_lines", "shuffle_lines")
ENCODINGS = (("utf-8", 80), ("gb18030", 8), ("utf-16", 5), ("big5", 4), ("utf-8-sig", 3))
ALPHABET = "总体情况主动公开申请予以部分不行政复议诉讼年度报告一二三四五六七八九十（）()、，。：；0123456789０１２３" \
           "\t\n \u3000—-/元万件<>&;#\"'="

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_ELEMENTS = ("p", "r", "t", "tbl", "tr", "tc", "sdt", "ins", "customXml", "hyperlink", "smartTag")
_WRAPPERS = ("sdt", "ins", "del", "customXml", "hyperlink", "smartTag", "moveTo", "moveFrom")
_ATTRIBUTE_VALUES = ("0", "-1", "1", "2", "3", "64", "1000", "999999999", "x", "", "restart", "continue")


#: Characters lxml refuses in element text (XML 1.0 forbids them).
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _w(local: str) -> str:
    return f"{{{W}}}{local}"


@dataclass(frozen=True, slots=True)
class Case:
    """One fuzz input: the bytes, the URI they are given as, and how they were made."""

    data: bytes
    uri: str
    recipe: str


class Mutator:
    """Makes cases for one target from its seeds with a seeded :class:`random.Random`."""

    def __init__(self, target: str, seeds: list[Seed]) -> None:
        from nianbao.decode import decode_text
        from nianbao.errors import DecodeError

        self.target = target
        self.seeds = seeds
        self.texts: list[str] = []
        for seed in seeds:
            try:
                self.texts.append(decode_text(seed.data).text if not seed.entries else "")
            except DecodeError:
                self.texts.append(seed.data.decode("latin-1"))
        tokens = HEADINGS + LABELS + NUMBERS + TEXT_TOKENS
        if target in ("html", "markdown", "all"):  # Markdown embeds HTML tables
            tokens += HTML_TOKENS
        if target in ("markdown", "all"):
            tokens += MARKDOWN_TOKENS
        if target in ("docx", "all"):
            tokens += DOCX_TOKENS
        self.tokens = tokens

    def case(self, index: int, mutation_seed: int, uris: tuple[str, ...]) -> Case:
        """Case ``(index, mutation_seed)``: the seed at ``index``, edited as ``mutation_seed`` says."""
        rng = random.Random(mutation_seed)
        seed = self.seeds[index]
        log = [f"seed={seed.name} mutation={mutation_seed}"]
        data = self.docx(rng, seed, log) if seed.entries else self.text_case(rng, self.texts[index], log)
        uri = rng.choice(uris)
        return Case(data=data[:MAX_BYTES], uri=uri, recipe=" ".join(log))

    # ---- text --------------------------------------------------------------

    def text_case(self, rng: random.Random, text: str, log: list[str]) -> bytes:
        if rng.random() < FRAGMENT_SHARE:  # a piece of the seed: small odd documents, and faster cases
            start = rng.randint(0, len(text))
            length = rng.randint(200, 8000)
            text = text[start:start + length]
            log.append(f"fragment@{start}+{length}")
        text = self.edit_text(rng, text, log)
        encoding = rng.choices([e for e, _ in ENCODINGS], [w for _, w in ENCODINGS])[0]
        data = text.encode(encoding, errors="replace" if encoding != "utf-8" else "surrogatepass")
        if encoding != "utf-8":
            log.append(f"encoded {encoding}")
        if rng.random() < 0.15:
            data = self.edit_bytes(rng, data, log)
        return data

    def edit_text(self, rng: random.Random, text: str, log: list[str]) -> str:
        for _ in range(rng.randint(1, MAX_EDITS)):
            text = self._text_edit(rng, text, log)
            if len(text) > MAX_BYTES:
                text = text[:MAX_BYTES]
        return text

    def _text_edit(self, rng: random.Random, text: str, log: list[str]) -> str:
        edit = rng.choice(TEXT_EDITS)
        size = len(text)
        pos = rng.randint(0, size)
        log.append(f"{edit}@{pos}")
        if edit == "token":
            token = rng.choice(self.tokens)
            log[-1] += f"({token[:20]!r})"
            return text[:pos] + token + text[pos:]
        if edit == "chars":
            return text[:pos] + "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 12))) + text[pos:]
        if edit == "delete":
            return text[:pos] + text[pos + rng.randint(1, max(1, min(4096, size // 4))):]
        if edit == "duplicate":
            chunk = text[pos:pos + rng.randint(1, 4096)]
            to = rng.randint(0, size)
            return text[:to] + chunk + text[to:]
        if edit == "repeat":
            chunk = text[pos:pos + rng.randint(1, 64)] or rng.choice(self.tokens)
            cap = MAX_REPEAT_CHARS if rng.random() < 0.1 else MAX_REPEAT_CHARS // 16
            times = max(1, min(rng.choice((2, 10, 100, 1000, 10_000, 100_000)), cap // len(chunk)))
            log[-1] += f"({chunk[:12]!r}x{times})"
            return text[:pos] + chunk * times + text[pos:]
        if edit == "splice":
            other = rng.choice(self.texts) or rng.choice(self.tokens)
            start = rng.randint(0, len(other))
            return text[:pos] + other[start:start + rng.randint(1, 8192)]
        if edit == "truncate":
            return text[:pos]
        if edit == "swap":
            length = rng.randint(1, 512)
            other = rng.randint(0, size)
            a, b = sorted((pos, other))
            if a + length <= b:
                return text[:a] + text[b:b + length] + text[a + length:b] + text[a:a + length] + text[b + length:]
            return text
        if edit == "number":
            numbers = [m.span() for m in re.finditer(r"\d+", text[max(0, pos - 2000):pos + 2000])]
            if numbers:
                start, end = rng.choice(numbers)
                base = max(0, pos - 2000)
                return text[:base + start] + rng.choice(NUMBERS) + text[base + end:]
            return text
        if edit == "join_lines":  # what a crawler that flattens a page does (no regex: linear on any text)
            end = pos + rng.randint(100, 100_000)
            joined = rng.choice(("", " ", "\t")).join(line.strip() for line in text[pos:end].split("\n"))
            return text[:pos] + joined + text[end:]
        if edit == "shuffle_lines":
            end = pos + rng.randint(10, 4000)
            lines = text[pos:end].split("\n")
            rng.shuffle(lines)
            return text[:pos] + "\n".join(lines) + text[end:]
        return text

    def edit_bytes(self, rng: random.Random, data: bytes, log: list[str]) -> bytes:
        buffer = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            pos = rng.randint(0, len(buffer))
            edit = rng.choice(("flip", "insert", "delete", "truncate"))
            log.append(f"bytes:{edit}@{pos}")
            if edit == "flip" and buffer:
                buffer[min(pos, len(buffer) - 1)] = rng.randrange(256)
            elif edit == "insert":
                buffer[pos:pos] = rng.randbytes(rng.randint(1, 16))
            elif edit == "delete":
                del buffer[pos:pos + rng.randint(1, 256)]
            else:
                del buffer[pos:]
        return bytes(buffer)

    # ---- docx --------------------------------------------------------------

    def docx(self, rng: random.Random, seed: Seed, log: list[str]) -> bytes:
        mode = rng.choices(("tree", "xml_text", "entries", "raw"), (60, 20, 12, 8))[0]
        log.append(f"docx:{mode}")
        if mode == "raw":
            return self.edit_bytes(rng, seed.data, log)
        entries = list(seed.entries)
        index = next((i for i, (name, _) in enumerate(entries) if name == "word/document.xml"), None)
        if mode in ("tree", "xml_text") and index is not None:
            name, body = entries[index]
            if mode == "tree":
                body = self.edit_tree(rng, body, log)
            else:
                body = self.edit_text(rng, body.decode("utf-8", errors="replace"), log).encode("utf-8")
            entries[index] = (name, body)
        elif mode == "entries":
            action = rng.choice(("drop", "duplicate", "many", "rename", "stored", "empty_document"))
            log.append(action)
            victim = rng.randrange(len(entries))
            if action == "drop":
                del entries[victim]
            elif action == "duplicate":
                entries.append(entries[victim])  # zipfile warns of the duplicate name; the reader must refuse it
            elif action == "many":
                entries.extend((f"customXml/item{i}.xml", b"<a/>") for i in range(rng.choice((10, 10, 10, 20_000))))
            elif action == "rename" and index is not None:
                entries[index] = ("WORD/DOCUMENT.XML", entries[index][1])
            elif action == "empty_document" and index is not None:
                entries[index] = (entries[index][0], b"")
        stored = "stored" in log or rng.random() < 0.1
        return _zip(entries, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)

    def edit_tree(self, rng: random.Random, xml: bytes, log: list[str]) -> bytes:
        """Edit ``word/document.xml`` as a tree: the XML stays well-formed, so the walk is what gets fuzzed."""
        root = etree.fromstring(xml)
        body = root.find(_w("body"))
        if body is None:
            return xml
        if rng.random() < FRAGMENT_SHARE:  # a piece of the body: odd small documents, and faster cases
            children = list(body)
            start = rng.randrange(len(children)) if children else 0
            keep = set(children[start:start + rng.randint(1, 60)])
            for child in children:
                if child not in keep:
                    body.remove(child)
            log.append(f"fragment@{start}")
        elements = [el for el in body.iter() if isinstance(el.tag, str)]
        for _ in range(rng.randint(1, MAX_EDITS)):
            el = rng.choice(elements)
            parent = el.getparent()
            edit = rng.choice(("duplicate", "duplicate", "delete", "move", "wrap", "attribute", "attribute",
                               "text", "nest_table", "deep", "strip_props"))
            log.append(f"tree:{edit}:{etree.QName(el).localname}")
            if edit == "duplicate" and parent is not None:
                for _ in range(rng.choice((1, 1, 2, 10, 200))):
                    el.addnext(copy.deepcopy(el))
            elif edit == "delete" and parent is not None:
                parent.remove(el)
            elif edit == "move" and parent is not None:
                target = rng.choice(elements)
                if el not in target.iterancestors() and target is not el:
                    target.insert(rng.randint(0, len(target)), el)
            elif edit in ("wrap", "deep") and parent is not None:
                levels = rng.choice((1, 2, 100, 300)) if edit == "deep" else 1
                wrapper_name = rng.choice(_WRAPPERS)
                outer = inner = etree.Element(_w(wrapper_name))
                for _ in range(levels - 1):
                    inner = etree.SubElement(inner, _w(wrapper_name))
                if wrapper_name == "sdt":
                    inner = etree.SubElement(inner, _w("sdtContent"))
                el.addprevious(outer)
                inner.append(el)
            elif edit == "attribute":
                name = rng.choice(("gridSpan", "vMerge", "gridBefore", "gridCol"))
                holder_name = {"gridSpan": "tcPr", "vMerge": "tcPr", "gridBefore": "trPr", "gridCol": "tblGrid"}
                holder = etree.SubElement(el, _w(holder_name[name]))
                el.insert(0, holder)
                prop = etree.SubElement(holder, _w(name))
                if rng.random() < 0.8:
                    prop.set(_w("val"), rng.choice(_ATTRIBUTE_VALUES))
            elif edit == "text":
                text = rng.choice(self.tokens) if rng.random() < 0.8 else (el.text or "") * rng.randint(2, 1000)
                el.text = _XML_UNSAFE.sub("", text)
            elif edit == "nest_table" and parent is not None:
                tbl = etree.Element(_w("tbl"))
                tr = etree.SubElement(tbl, _w("tr"))
                for _ in range(rng.randint(1, 3)):
                    tc = etree.SubElement(tr, _w("tc"))
                    tc.append(copy.deepcopy(el))
                el.addnext(tbl)
            elif edit == "strip_props":
                for prop in list(el.iter(_w("tcPr"), _w("trPr"), _w("rPr"))):
                    if prop.getparent() is not None:
                        prop.getparent().remove(prop)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _zip(entries: list[tuple[str, bytes]], method: int) -> bytes:
    """The entries as a zip; only ``word/document.xml`` is compressed with ``method`` (the rest stored: faster)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = method if name.lower() == "word/document.xml" else zipfile.ZIP_STORED
            archive.writestr(info, body, compresslevel=1 if info.compress_type == zipfile.ZIP_DEFLATED else None)
    return out.getvalue()


#: URIs the "all" target hands its inputs under: every extension a reader looks at, and none.
ALL_URIS = ("fuzz", "fuzz.txt", "fuzz.tsv", "fuzz.html", "fuzz.htm", "fuzz.docx", "fuzz.doc", "fuzz.pdf",
            "fuzz.png", "fuzz.md", "https://example.gov.cn/art/2023/1/1/art_1.html?id=3")
TARGET_URIS = {
    "text": ("fuzz.txt", "fuzz"),
    "tsv": ("fuzz.tsv", "fuzz.txt"),
    "html": ("fuzz.html", "fuzz"),
    "docx": ("fuzz.docx",),
    "markdown": ("fuzz.md", "fuzz.txt"),
    "all": ALL_URIS,
}


def cases(mutator: Mutator) -> st.SearchStrategy[Case]:
    """Cases for the mutator's target: Hypothesis draws the seed index and the mutation seed."""
    uris = TARGET_URIS[mutator.target]
    return st.builds(lambda index, mutation: mutator.case(index, mutation, uris),
                     st.integers(0, len(mutator.seeds) - 1), st.integers(0, 2**64 - 1))
