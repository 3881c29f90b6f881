"""Compare libxml2 (lxml, the HTML reader's parser) and lexbor (selectolax) on web pages: the trees, and the cost.

Run from the repository root: ``python benchmarks/compare_html_parsers.py DIR...`` (selectolax is in the bench
extra). docs/benchmarks.md, "Session 8", has what it found and why the reader keeps lxml.

For every ``.html``/``.htm`` page under the folders (decoded and handed to the parser as the HTML reader does,
:func:`nianbao.plugins.html.parser_input`) it prints whether the two trees have the same elements, nested the
same way (comments, text and ``<head>`` left out; a ``<tbody>`` lexbor implies, which libxml2 never makes, walked
through: :func:`implied_tbodies`), and the CPU time of parsing and freeing each page with each parser, the two
taking turns page by page, as a ratio. Instruction counts (callgrind) are in the docs.
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from pathlib import Path

from lxml import etree
from selectolax.lexbor import LexborHTMLParser, LexborNode

from nianbao.decode import decode_text
from nianbao.plugins.html import declared_charset, parser_input

#: The reader's parser options (``HtmlReader.__init__``).
OPTIONS = {"remove_comments": True, "remove_pis": True, "no_network": True, "huge_tree": False, "recover": True}
_TABLE_TAG = re.compile(rb"<(table|tbody|tr)[\s/>]")


def libxml2_shape(element: etree._Element, depth: int = 0, out: list | None = None) -> list[tuple[int, str]]:
    """``(depth, tag)`` of every element under ``element``, in document order."""
    out = [] if out is None else out
    for child in element:
        if isinstance(child.tag, str):
            out.append((depth, child.tag))
            libxml2_shape(child, depth + 1, out)
    return out


def lexbor_shape(node: LexborNode, implied: set[int], depth: int = 0, out: list | None = None
                 ) -> list[tuple[int, str]]:
    """The same for lexbor's tree: the ``<tbody>`` of ``implied`` walked through, an empty ``<head>`` left out
    (lexbor always makes one; libxml2 only for a page that has head elements)."""
    out = [] if out is None else out
    for child in node.iter():
        tag = child.tag
        if not child.is_element_node:
            continue
        if tag == "tbody" and child.mem_id in implied:
            lexbor_shape(child, implied, depth, out)
        elif tag != "head" or child.child is not None:
            out.append((depth, tag))
            lexbor_shape(child, implied, depth + 1, out)
    return out


def implied_tbodies(source: bytes, root: LexborNode) -> set[int] | None:
    """The ``<tbody>`` lexbor implied: the markup's ``table``, ``tbody`` and ``tr`` start tags read beside the
    tree's in order, a tree ``tbody`` the markup does not open next being implied; ``None`` when the two orders
    disagree otherwise (rows moved or implied)."""
    opened = iter(_TABLE_TAG.findall(source.lower()))
    implied: set[int] = set()
    pending = next(opened, None)
    for node in root.css("table, tbody, tr"):
        tag = node.tag.encode()
        if tag == pending:
            pending = next(opened, None)
        elif tag == b"tbody":
            implied.add(node.mem_id)
        else:
            return None
    return implied if pending is None else None


def compare(path: Path, times: Counter) -> str:
    """``same``, ``differ`` or why the page was not compared; ``times`` gets each parser's CPU seconds."""
    data = path.read_bytes()
    try:
        markup = parser_input(data, decode_text(data, declared_charset(data)))
    except ValueError as exc:  # DecodeError
        return f"not decoded ({type(exc).__name__})"
    parser = etree.HTMLParser(encoding="utf-8" if isinstance(markup, bytes) else None, **OPTIONS)
    start = time.process_time()
    try:
        root = etree.fromstring(markup, parser)
    except (etree.XMLSyntaxError, etree.ParserError, ValueError):
        return "lxml refuses it"
    middle = time.process_time()
    tree = LexborHTMLParser(markup)
    end = time.process_time()
    times["libxml2"] += middle - start
    times["lexbor"] += end - middle
    if root is None:
        return "no elements (libxml2)"
    source = markup if isinstance(markup, bytes) else markup.encode("utf-8", "surrogatepass")
    implied = implied_tbodies(source, tree.root)
    if implied is None:
        return "differ (table rows)"
    return "same" if libxml2_shape(root) == lexbor_shape(tree.root, implied) else "differ"


def main(folders: list[str]) -> None:
    outcomes: Counter = Counter()
    times: Counter = Counter()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and path.suffix.lower() in (".html", ".htm"):
                outcome = compare(path, times)
                outcomes[outcome] += 1
                if outcome.startswith("differ"):
                    print(f"{outcome}: {path}")
    print(", ".join(f"{count} {outcome}" for outcome, count in outcomes.most_common()))
    if times["libxml2"]:
        print(f"parse + free, CPU time: libxml2 {times['libxml2']:.2f} s, lexbor {times['lexbor']:.2f} s "
              f"(lexbor/libxml2 {times['lexbor'] / times['libxml2']:.2f})")


if __name__ == "__main__":
    main(sys.argv[1:] or ["tests/data", "samples"])
