"""Where a report's time goes: per format, each stage of ``process_bytes`` against the format's floor.

The benchmarks say how far nianbao is from its floors; this script says why.
It generates the benchmarks' corpus (same seed and size as ``conftest.py``),
times each stage of the parse on the reports of every format (CPU time, best
of several rounds, per report) and prints one Markdown table, the stages as a
multiple of the floor. With ``--profile FORMAT`` it then runs the whole parse
of that format's reports under cProfile and prints the functions with the most
own time.

Usage::

    python benchmarks/stages.py                 # the stage table
    python benchmarks/stages.py --profile docx  # and the cProfile top list for DOCX
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from conftest import CORPUS_SEED, CORPUS_SIZE  # this script's folder is first on sys.path
from lxml import etree
from lxml import html as lxml_html

from nianbao.checks import run_checks_to_dicts
from nianbao.decode import decode_text
from nianbao.host import build_host
from nianbao.limits import Limits, check_document
from nianbao.outline import Outline
from nianbao.parse import build_record, process_bytes, read_document
from nianbao.record import dumps, source_of
from nianbao.source import SourceInfo
from nianbao.synth.corpus import FORMATS, generate
from nianbao.synth.score import truths

ROUNDS = 15


Stage = tuple[str, "Callable[[], object] | None"]


Measured = tuple[str, "float | None", "float | None"]


def measure(stages: list[Stage], items: int, rounds: int = ROUNDS) -> list[Measured]:
    """Per stage: ``(name, best seconds per item, median ratio to the floor)``; ``None`` twice for an absent one.

    Each round runs every stage once, in turn, so a stage and the floor (the
    first stage) are timed a moment apart under the same load; the ratio is the
    median over rounds of the two times in the same round.
    """
    for _, function in stages:
        if function is not None:
            function()  # warm-up: caches, lazily built indexes
    times: list[list[float]] = [[] for _ in stages]
    for _ in range(rounds):
        for index, (_, function) in enumerate(stages):
            if function is not None:
                started = time.process_time()
                function()
                times[index].append(time.process_time() - started)
    out: list[Measured] = []
    for (name, function), taken in zip(stages, times, strict=True):
        if function is None:
            out.append((name, None, None))
            continue
        ratios = sorted(t / f for t, f in zip(taken, times[0], strict=True))
        out.append((name, min(taken) / items, ratios[len(ratios) // 2]))
    return out


def floor(fmt: str, data: list[bytes]) -> Callable[[], object]:
    """The benchmarks' floor for a format."""
    if fmt == "html":
        return lambda: [lxml_html.fromstring(d) for d in data]
    if fmt == "docx":
        return lambda: [etree.fromstring(zipfile.ZipFile(io.BytesIO(d)).read("word/document.xml")) for d in data]
    codecs = [decode_text(d).encoding for d in data]
    return lambda: [d.decode(c).splitlines() for d, c in zip(data, codecs, strict=True)]


def stages(fmt: str, paths: list[Path], host) -> list[Measured]:
    """The stages of the parse of one format's reports, measured; nested stages are indented."""
    return measure(stage_list(fmt, paths, host), len(paths))


def stage_list(fmt: str, paths: list[Path], host) -> list[Stage]:
    """The stages of the parse of one format's reports, each a call over all of them; the floor first."""
    from nianbao.page import settle  # here, so that instructions.py can take floor() from a tree without it

    data = [p.read_bytes() for p in paths]
    infos = [SourceInfo.from_uri(str(p)) for p in paths]
    pairs = list(zip(data, infos, strict=True))
    docs = [read_document(d, i, host)[0] for d, i in pairs]
    sources = [source_of(d, i.uri) for d, i in pairs]
    pages = [settle(doc) for doc in docs]  # what build_record cuts the outline from
    outlines = [Outline.of(doc) for doc in pages]
    records = [build_record(doc, dict(src), host) for doc, src in zip(docs, sources, strict=True)]
    limits = Limits.from_env()  # as process_bytes passes them
    reader = host.reader(docs[0].format)
    skip = None  # a stage the format does not have
    xml = [reader.document_xml(d) for d in data] if fmt == "docx" else []
    texts = [decode_text(d).text for d in data] if fmt == "html" else []
    return [
        ("floor", floor(fmt, data)),
        ("process_bytes + dumps (the benchmark)",
         lambda: [dumps(process_bytes(d, i.uri, host=host).record) for d, i in pairs]),
        ("source_of (sha256)", lambda: [source_of(d, i.uri) for d, i in pairs]),
        ("read_document", lambda: [read_document(d, i, host) for d, i in pairs]),
        ("  decode_text", skip if fmt == "docx" else lambda: [decode_text(d) for d in data]),
        ("  zip read", (lambda: [reader.document_xml(d) for d in data]) if xml else skip),
        ("  XML parse", (lambda: [reader.parse(x) for x in xml]) if xml else skip),
        ("  HTML parse", (lambda: [reader._parse(t, i) for t, (_, i) in zip(texts, pairs, strict=True)])
         if texts else skip),
        ("check_document (limits)", lambda: [check_document(doc, limits) for doc in docs]),
        ("build_record", lambda: [build_record(doc, dict(src), host) for doc, src in zip(docs, sources, strict=True)]),
        ("  settle (nianbao.page)", lambda: [settle(doc) for doc in docs]),
        ("  Outline.of", lambda: [Outline.of(doc) for doc in pages]),
        *((f"  extractor {extractor.name}",
           lambda e=extractor: [e.extract(doc, o) for doc, o in zip(pages, outlines, strict=True)])
          for extractor in host.extractors),
        ("  run_checks_to_dicts", lambda: [run_checks_to_dicts(host.checks, r) for r in records]),
        ("record.dumps", lambda: [dumps(r) for r in records]),
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", choices=FORMATS, help="also profile the whole parse of this format")
    args = parser.parse_args(argv)
    host = build_host(entry_points=False)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        generate(out, CORPUS_SIZE, CORPUS_SEED)
        by_format: dict[str, list[Path]] = {}
        for truth in truths(out):
            by_format.setdefault(truth["format"], []).append(out / truth["file"])
        table = {fmt: stages(fmt, paths, host) for fmt, paths in by_format.items()}
        print(f"Per report: CPU time (best of {ROUNDS} rounds) and, in brackets, the median over the rounds of the "
              "stage's time over the floor's in the same round.\n")
        fmts = list(table)
        print("| stage | " + " | ".join(fmts) + " |")
        print("|---|" + "---:|" * len(fmts))
        for index, (name, _, _) in enumerate(table[fmts[0]]):
            cells = []
            for fmt in fmts:
                _, seconds, share = table[fmt][index]
                cells.append("" if seconds is None else f"{seconds * 1e6:,.0f} µs ({share:.2f}×)")
            print(f"| {name.replace('  ', '· ')} | " + " | ".join(cells) + " |")
        if args.profile:
            paths = by_format[args.profile]
            data = [(p.read_bytes(), str(p)) for p in paths]
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(20):
                for d, uri in data:
                    dumps(process_bytes(d, uri, host=host).record)
            profiler.disable()
            print(f"\ncProfile, {args.profile}: {len(paths)} reports × 20, by own time\n")
            stream = io.StringIO()
            pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(25)
            print(stream.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
