"""What real reports print that the template's own words do not say: the generator prints it too.

:mod:`nianbao.synth.vocab` draws the printed words from the template module,
so a corpus built from it alone can only test what nianbao already knows. The
wordings and habits below were copied from real reports (or, where said, from
a parser of real reports that lists what it met), each with where it was seen;
none is taken from :mod:`nianbao.template`. The generator prints them with
their truths, so ``nianbao score`` measures nianbao on what it was not told.

Sources named below:

- *seed 000* … *seed 004*: the five real text exports in ``samples/``;
- *pingtan 20xx*: 平潭综合实验区 reports as crawled (``tests/data/real/pingtan-*.txt``);
- *shuyang fgj 2023*, *shanghai 2019*: ``tests/data/real/`` (see ``tests/data/SOURCES.md``);
- *KIROGOVCOMPARE*: github.com/zxj6827111-blip/KIROGOVCOMPARE, its section-alignment tests
  (``normalizeComparisonSectionTitle``), which list the heading spellings its authors met in
  the real reports they compare;
- *issue 13*: the independent corpus the project was measured on (layout habits seen there
  several times, written up in the issue).
"""

from __future__ import annotations

#: Section key → headings (without numbering) real reports print instead of the template's words.
HEADINGS: dict[str, tuple[tuple[str, str], ...]] = {
    "overview": (
        ("总体工作情况", "KIROGOVCOMPARE"),
    ),
    "proactive": (
        ("行政机关主动公开政府信息情况", "KIROGOVCOMPARE"),
        ("本年度主动公开政府信息情况", "KIROGOVCOMPARE"),
        ("主动公开政务信息情况", "KIROGOVCOMPARE"),
        ("主动公开政府信息的情况", "KIROGOVCOMPARE"),
    ),
    "applications": (
        ("行政机关收到和处理信息公开申请情况", "KIROGOVCOMPARE"),
        ("收到和处理政府信息公开申请情况统计表", "KIROGOVCOMPARE"),
    ),
    "review_litigation": (
        ("因政府信息公开工作被行政复议、提起行政诉讼情况", "KIROGOVCOMPARE"),
        ("政府信息公开工作行政复议、行政诉讼情况", "KIROGOVCOMPARE"),
        ("被申请行政复议、提起行政诉讼情况", "KIROGOVCOMPARE"),
        ("政府信息公开行政法复议、行政诉讼情况", "pingtan 2022"),
        ("政府信息公开行政复议与行政诉讼情况", "issue 13"),
        ("政府信息公开行政复议和行政诉讼情况", "issue 13"),
    ),
    "problems": (
        ("存在问题与改进方向", "KIROGOVCOMPARE"),
        ("存在的主要问题及改进思路", "KIROGOVCOMPARE"),
        ("存在主要问题及改进情况", "KIROGOVCOMPARE"),
        ("政务信息工作存在主要问题和改进情况", "KIROGOVCOMPARE"),
        ("存在的主要问题和改进情况", "KIROGOVCOMPARE"),
        ("存在的主要问题及整改措施", "shuyang fgj 2023"),
        ("政府信息公开工作存在的主要问题及改进情况", "shanghai 2019"),
    ),
}

#: Section key → where a heading wraps onto a second line: the number of heading-word characters left on the
#: first line (``三、 收到和处理政府`` / ``信息公开申请情况``, issue 13; a title wrapped so, TEMPLATE.md).
WRAPS: dict[str, tuple[int, ...]] = {
    "proactive": (4,),
    "applications": (7, 9),
    "review_litigation": (8, 10, 11),
    "problems": (5,),
}
#: What a page break leaves between the two halves of a wrapped heading in a text export (issue 13).
PAGE_NUMBERS: tuple[str, ...] = ("- 3 -", "3", "— 4 —")

#: Share of table sections printed without their heading (a heading lost in a page break or never typed,
#: issue 13): the table must be known by what it holds.
P_NO_HEADING = 0.03
#: The sections whose heading may be missing: the three tables (a prose section without its heading is not
#: recoverable, and nianbao does not guess it).
HEADINGLESS: tuple[str, ...] = ("proactive", "applications", "review_litigation")

#: Headings numbered with Arabic digits and a space: ``3、 收到和处理…``, ``6、 其他需要报告的事项`` (seed 000).
ARABIC_NUMBER = "{n}、 "

#: Section 四 printed with one value left out, all of them 0 (seed 000 prints 14 zeros for 15 cells).
SHORT_REVIEW_SOURCE = "seed 000"
#: A row of two zero columns printed with three zeros (seed 000: 行政事业性收费 and 政府集中采购).
LONG_ZERO_ROW_SOURCE = "seed 000"
#: Tab tables whose spanned cells are written once, their covered slots left out rather than empty
#: (seed 001's label cells; issue 13).
SPANS_ONCE_SOURCE = "seed 001, issue 13"
