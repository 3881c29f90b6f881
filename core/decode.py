"""Bytes to text for the text-based formats: declared charset, BOM, then detection.

One decoding path for every reader (UTF-16 without a byte-order mark is told by
its NUL bytes). GB2312 and GBK are widened to GB18030 (a
superset: pages that declare gb2312 routinely use GBK-only characters). When
neither a BOM nor a declaration says, UTF-8 is tried (it almost never decodes
other text by accident); then charset-normalizer chooses among the Chinese
encodings. A guess cannot be "try GB18030, then Big5": GB18030 accepts almost
every Big5 byte sequence, so a traditional-character (繁體) report would come out
as GB gibberish. A charset that had to be guessed is returned as a note so the
record can say so; nothing is ever decoded with ``errors="replace"``.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from .document import ReaderNote
from .errors import DecodeError

_WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
          "utf8": "utf-8", "big5-hkscs": "big5hkscs"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
#: What charset-normalizer chooses among when nothing is declared and the bytes are not UTF-8: simplified
#: (GB18030, a superset of GBK and GB2312) and traditional Chinese (Big5 and its Windows and Hong Kong supersets).
_CANDIDATES = ("gb18030", "big5", "cp950", "big5hkscs")
#: Tried in order when charset-normalizer finds no candidate plausible (markup-heavy or very short text).
_FALLBACKS = ("gb18030", "big5")
#: Share of control characters above which "text" is taken for binary junk.
_MAX_CONTROL_SHARE = 0.01


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    notes: tuple[ReaderNote, ...] = ()


def normalise_charset(name: str | None) -> str | None:
    """A Python codec name for a declared charset, GB2312/GBK widened to GB18030."""
    if not name:
        return None
    name = name.strip().strip("'\"").lower()
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return None
    return _WIDEN.get(name, _WIDEN.get(canonical, canonical))


#: Control characters that text does not contain (every C0 character but tab, line feed, VT, FF and CR).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20)])


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:20000]
    # Counted in UTF-8, where each such character is that one byte and no other character has it: one C pass
    # of bytes.translate, where a Python loop over the characters cost ten times the decode itself.
    encoded = sample.encode("utf-8", errors="surrogatepass")
    return (len(encoded) - len(encoded.translate(None, _CONTROL_BYTES))) / len(sample)


def decode_text(data: bytes, declared: str | None = None) -> Decoded:
    """Decode ``data``: BOM first, then UTF-16 without a BOM (its NUL bytes tell it), then the declared charset,
    then UTF-8, then a detected Chinese encoding.

    A declared charset that fails is reported and detection takes over (pages
    lie about their encoding). Raises :class:`DecodeError` when nothing decodes
    or the result looks like binary data.
    """
    notes: list[ReaderNote] = []
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _checked(_decoded(data, codec), codec, notes, data)
    wide = utf16_without_bom(data)
    if wide is not None:
        text = _decoded(data, wide)
        if text is not None and _control_share(text) <= _MAX_CONTROL_SHARE:
            notes.append(ReaderNote(level="warning", code="encoding.guessed",
                                    message=f"no byte-order mark; decoded as {wide} (every other byte of its ASCII "
                                            "characters is NUL)"))
            return Decoded(text=text, encoding=wide, notes=tuple(notes))
    codec = normalise_charset(declared)
    if declared and codec is None:
        notes.append(ReaderNote(level="warning", code="encoding.unknown_declared",
                                message=f"declared charset {declared!r} is unknown; detected instead"))
    if codec is not None:
        text = _decoded(data, codec)
        if text is not None:
            return _checked(text, codec, notes, data)
        notes.append(ReaderNote(level="warning", code="encoding.declared_wrong",
                                message=f"declared charset {declared!r} does not decode the text; detected instead"))
    text = _decoded(data, "utf-8")
    if text is not None:
        return _checked(text, "utf-8", notes, data)
    simplified = _only_simplified(data)
    if simplified is not None:
        notes.append(ReaderNote(level="warning", code="encoding.guessed",
                                message="no charset declared; decoded as gb18030 (the only candidate that decodes it: "
                                        f"not {', '.join(_TRADITIONAL)})"))
        return _checked(simplified, "gb18030", notes, data)
    detected = _detect(data)
    for guess in (*([detected] if detected else ()), *_FALLBACKS):
        text = _decoded(data, guess)
        if text is not None:
            how = "detected by charset-normalizer" if guess == detected else "the first that decodes"
            notes.append(ReaderNote(level="warning", code="encoding.guessed",
                                    message=f"no charset declared; decoded as {guess} ({how})"))
            return _checked(text, guess, notes, data)
    raise DecodeError(f"bytes decode as none of utf-8, {', '.join(_FALLBACKS)} (first bad byte at offset "
                      f"{_first_bad(data)}); the file is not text in a supported encoding")


#: Bytes looked at for UTF-16 without a byte-order mark, and how many NULs on one side (and this many times those on
#: the other) tell it: text in UTF-8 or a Chinese encoding has no NUL byte at all.
_UTF16_SAMPLE = 4096
_UTF16_MIN_NULS = 8
_UTF16_RATIO = 4


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``data`` looks like UTF-16 written without a byte-order mark (its ASCII
    characters, digits and line breaks each a byte and a NUL: NULs at odd offsets, or at even ones), else ``None``."""
    sample = data[:_UTF16_SAMPLE]
    if b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= _UTF16_MIN_NULS and odd > _UTF16_RATIO * even:
        return "utf-16-le"
    if even >= _UTF16_MIN_NULS and even > _UTF16_RATIO * odd:
        return "utf-16-be"
    return None


#: The traditional-character candidates. GBK text is seldom valid in any of them (its lead bytes 0x81-0xA0 are not
#: Big5's, and a decoder stops at the first such pair), so they usually fail fast.
_TRADITIONAL = tuple(codec for codec in _CANDIDATES if codec != "gb18030")


def _only_simplified(data: bytes) -> str | None:
    """``data`` decoded as GB18030 when no traditional candidate decodes it, else ``None``.

    Only a candidate that decodes the bytes can be chosen, so where GB18030 alone does, charset-normalizer (about
    0.3 ms a report, a tenth of a GBK text report's parse) could only have chosen it, or found none and left it to
    the fallbacks, whose first is GB18030 too: the same text either way.
    """
    if any(_decoded(data, codec) is not None for codec in _TRADITIONAL):
        return None
    return _decoded(data, "gb18030")


def _detect(data: bytes) -> str | None:
    """The Chinese encoding charset-normalizer finds most plausible for ``data``, or ``None``."""
    from charset_normalizer import from_bytes  # only for undeclared non-UTF-8 bytes: keep it off the start-up path

    best = from_bytes(data, cp_isolation=list(_CANDIDATES)).best()
    return normalise_charset(best.encoding) if best is not None else None


def _decoded(data: bytes, codec: str) -> str | None:
    """``data`` decoded strictly with ``codec``, or ``None`` if it does not decode (decoded once, not tried first)."""
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _first_bad(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return -1


def _checked(text: str | None, codec: str, notes: list[ReaderNote], data: bytes) -> Decoded:
    if text is None:
        raise DecodeError(f"the byte-order mark says {codec} but the bytes do not decode as {codec}")
    # In UTF-8 a control character is its one byte and no other character has it: bytes without any (a
    # ``memchr`` each, half the cost of counting them in the text) hold none.
    if (codec not in ("utf-8", "utf-8-sig") or any(code in data for code in _CONTROL_BYTES)) and (
            _control_share(text) > _MAX_CONTROL_SHARE):
        raise DecodeError(f"decoded as {codec} but {_control_share(text):.0%} of the characters are control "
                          "characters: this is binary data, not text")
    return Decoded(text=text, encoding=codec, notes=tuple(notes))
