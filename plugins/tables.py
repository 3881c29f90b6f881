"""Extractors of the three statistics tables (sections 二, 三 and 四)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from nianbao.document import Document
from nianbao.extract import Extraction, Extractor
from nianbao.fit import Fitted, fit_applications, fit_proactive, fit_review, tokens_of
from nianbao.hookspecs import hookimpl
from nianbao.outline import Outline
from nianbao.printings import settle_printings, without_other_tables, year_headers
from nianbao.record import error
from nianbao.template import REVIEW_SLOTS
from nianbao.witness import prose_facts


class TableExtractor(Extractor):
    """Fits one section's cells to the template; a missing section is an error issue."""

    section: str = ""
    heading: str = ""
    fit: Callable[..., Fitted]
    #: The values of a row labelled with its year, where the section prints its table as such rows (四's 15).
    year_row_width: int | None = None
    #: Whether the section's column headers may name years (二 of the 2019 form: ``2019年新制作数量``).
    year_headers: bool = False

    def extract(self, document: Document, outline: Outline) -> Extraction:
        section = outline.sections.get(self.section)
        if section is None:
            issue = error("section.missing", f"section {self.heading} not found", self.section)
            return Extraction(issues=[issue])
        glued = document.properties.get("layout") == "glued"
        witnesses = self.witnesses(outline) if glued else {}  # only glued rows have splits to choose among
        tokens = tokens_of(section.blocks)
        year = _report_year(outline, document)
        if self.year_headers:
            tokens = year_headers(tokens, year)
        fit = partial(type(self).fit, where=self.section, glued=glued, **witnesses)
        fitted, tokens = without_other_tables(fit(tokens), tokens, fit, self.section)
        fitted = settle_printings(fitted, tokens, fit, year, self.section, self.year_row_width)
        if not fitted.values:
            fitted.issues.append(error("table.empty", f"no table rows recognised in section {self.heading}",
                                       self.section))
        return Extraction(fields={self.section: fitted.values}, issues=fitted.issues,
                          versions=(fitted.version,))

    def witnesses(self, outline: Outline) -> dict[str, Any]:
        """What the fitter takes besides the section's cells (the overview's statements, for section 二)."""
        return {}


def _report_year(outline: Outline, document: Document) -> Callable[[], Any]:
    """The report's year, read from its metadata the first time it is asked for (rarely: a table printing
    years for its columns or rows), then remembered. A closure, not ``functools.cache``, which costs more to
    make than most reports ever ask of it."""
    memo: list[Any] = []

    def year() -> Any:
        if not memo:
            memo.append(outline.metadata(document.properties)[0]["year"])
        return memo[0]

    return year


class ProactiveExtractor(TableExtractor):
    name, priority, section, heading = "proactive", 50, "proactive", "二 (主动公开政府信息情况)"
    fit = staticmethod(fit_proactive)
    year_headers = True

    def witnesses(self, outline: Outline) -> dict[str, Any]:
        """The numbers 一、总体情况 states about section 二's items: a second witness for glued rows."""
        return {"prose": prose_facts(outline.text("overview"))}


class ApplicationsExtractor(TableExtractor):
    name, priority, section, heading = "applications", 50, "applications", "三 (收到和处理政府信息公开申请情况)"
    fit = staticmethod(fit_applications)


class ReviewExtractor(TableExtractor):
    name, priority, section, heading = "review_litigation", 50, "review_litigation", "四 (行政复议、行政诉讼情况)"
    fit = staticmethod(fit_review)
    year_row_width = len(REVIEW_SLOTS)


@hookimpl
def register_extractors(register):
    register(ProactiveExtractor())
    register(ApplicationsExtractor())
    register(ReviewExtractor())
