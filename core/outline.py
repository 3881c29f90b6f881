"""Find the six sections of a report by their heading words.

The outline is computed once per document and handed to every extractor, so no
extractor re-scans the document for headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import is_date_line
from .document import Block, Document, Paragraph
from .template import CHROME_MARKERS, SECTION_ORDER, section_of_heading, word_pattern

_TRAILING_ASIDE = re.compile(r"[（(]([^()（）]*)[)）]\s*$")


@dataclass(frozen=True, kw_only=True, slots=True)
class Section:
    """One of the six sections: its heading as printed and the blocks under it."""

    key: str
    heading: str
    blocks: tuple[Block, ...]
    #: Text printed on the heading line after the heading words, e.g. ``无`` of ``其他需要报告的事项（无）``.
    aside: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Outline:
    """A document cut at its section headings: front matter, then the sections found."""

    front: tuple[Block, ...]
    sections: dict[str, Section] = field(default_factory=dict)
    #: The last section's paragraphs with chrome cut and the signature peeled off.
    tail: Tail = field(default_factory=lambda: Tail(body=()))
    #: Key of the section the tail belongs to (the last one found), if any.
    last: str | None = None

    @classmethod
    def of(cls, document: Document) -> Outline:
        """Cut ``document`` at the first heading of each section, in template order.

        A heading only counts if its section comes after the last one found, so a
        row label such as ``四、结转下年度继续办理`` or a repeated title cannot
        reopen an earlier section.
        """
        blocks = document.blocks
        found: list[tuple[int, str, str]] = []
        next_allowed = 0
        for index, block in enumerate(blocks):
            if not isinstance(block, Paragraph):
                continue
            key = section_of_heading(block.text)
            if key is None:
                continue
            position = SECTION_ORDER.index(key)
            if position < next_allowed:
                continue
            found.append((index, key, block.text))
            next_allowed = position + 1
        if not found:
            return cls(front=blocks, tail=split_tail(texts_of(blocks)))
        sections: dict[str, Section] = {}
        for n, (index, key, heading) in enumerate(found):
            end = found[n + 1][0] if n + 1 < len(found) else len(blocks)
            aside = _TRAILING_ASIDE.search(heading)
            sections[key] = Section(
                key=key,
                heading=heading.strip(),
                blocks=blocks[index + 1 : end],
                aside=aside.group(1).strip() or None if aside else None,
            )
        last = found[-1][1]
        tail = split_tail(texts_of(sections[last].blocks))
        return cls(front=blocks[: found[0][0]], sections=sections, tail=tail, last=last)


def texts_of(blocks: tuple[Block, ...]) -> list[str]:
    """The lines of the paragraphs among ``blocks``, in order.

    A paragraph broken with line breaks (Shift+Enter in Word) gives one line each,
    so a title or signature printed that way reads as the same lines as in text.
    """
    return [line for b in blocks if isinstance(b, Paragraph) for line in b.text.split("\n")]


#: Every chrome marker in one pattern: one C scan of a line instead of a ``find`` per marker (3–8× faster). The
#: leftmost match starts where the first marker does, so it answers both questions below.
_CHROME = re.compile("|".join(map(word_pattern, CHROME_MARKERS)))  # traditional forms too


def is_chrome(text: str) -> bool:
    """Whether a paragraph is web-page chrome (footer, share bar, ICP line)."""
    return _CHROME.search(text) is not None


def chrome_position(text: str) -> int | None:
    """Where the first chrome marker in ``text`` starts, or ``None``."""
    found = _CHROME.search(text)
    return None if found is None else found.start()


@dataclass(frozen=True, kw_only=True, slots=True)
class Tail:
    """The end of a report's text: body paragraphs, then the signature, then chrome."""

    body: tuple[str, ...]
    signer: str | None = None
    date_line: str | None = None


#: A signer line is a short name, not a sentence.
SIGNER_MAX_CHARS = 40


def split_tail(texts: list[str]) -> Tail:
    """Cut ``texts`` (the last section's paragraphs) at the first chrome line and peel off the signature.

    The signature is a date line (``2022年1月13日``) at the end, optionally with
    the signing body's name on the line above it.
    """
    body = list(texts)
    for index, text in enumerate(body):
        cut = chrome_position(text)
        if cut is not None:
            del body[index:]
            if text[:cut].strip():  # chrome glued to the end of a paragraph: keep the text before it
                body.append(text[:cut].rstrip())
            break
    while body and not body[-1].strip():
        body.pop()
    signer = date_line = None
    if body and is_date_line(body[-1]):
        date_line = body.pop().strip()
        if body and len(body[-1].strip()) <= SIGNER_MAX_CHARS and not body[-1].rstrip().endswith(("。", ".", "；")):
            signer = body.pop().strip()
    return Tail(body=tuple(body), signer=signer, date_line=date_line)
