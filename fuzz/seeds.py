"""The seed inputs each fuzz target mutates: real reports, the committed samples and generated ones."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: Real reports copied into the test data (tests/data/SOURCES.md) and the committed samples (seeds among them).
DATA = REPO / "tests" / "data"
SEED_DIRS = (DATA / "real", REPO / "samples")
#: File extensions of each target's seeds.
TARGET_EXTENSIONS = {
    "text": (".txt",),
    "tsv": (".txt", ".tsv"),
    "html": (".html", ".htm"),
    "docx": (".docx",),
    "markdown": (".md", ".txt"),
}
#: Folders searched besides SEED_DIRS, per target: OCR and PDF-to-text Markdown of real reports.
TARGET_DIRS = {"markdown": (DATA / "peer" / "KIROGOVCOMPARE",)}
#: The synth formats each target adds generated reports of.
TARGET_SYNTH = {"text": ("text",), "tsv": ("tsv",), "html": ("html",), "docx": ("docx",), "markdown": ()}
TARGETS = ("text", "tsv", "html", "docx", "markdown", "all")
#: Generated reports per synth format (corpus seed fixed, so runs are reproducible).
SYNTH_PER_FORMAT = 6
SYNTH_SEED = 7


@dataclass(frozen=True, slots=True)
class Seed:
    """One seed input: its name, its bytes and, for a .docx, its zip entries."""

    name: str
    data: bytes
    entries: tuple[tuple[str, bytes], ...] = ()


def _is_tsv(data: bytes) -> bool:
    return sum(1 for line in data.split(b"\n") if b"\t" in line.strip(b"\t\r ")) >= 3


def _files(target: str) -> list[Path]:
    extensions = TARGET_EXTENSIONS[target]
    files = []
    for folder in (*SEED_DIRS, *TARGET_DIRS.get(target, ())):
        if folder.is_dir():
            files.extend(p for p in sorted(folder.iterdir()) if p.suffix.lower() in extensions and p.is_file())
    return files


def _synth(formats: tuple[str, ...]) -> list[Seed]:
    from nianbao.synth.corpus import render_one

    seeds = []
    for fmt in formats:
        for index in range(SYNTH_PER_FORMAT):
            rendered = render_one(SYNTH_SEED, index, fmt)
            seeds.append(Seed(f"synth:{rendered.name}", rendered.data))
    return seeds


def _with_entries(seed: Seed) -> Seed:
    """A .docx seed with its zip entries read out, for mutating ``word/document.xml`` inside the zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(seed.data)) as archive:
            entries = tuple((info.filename, archive.read(info)) for info in archive.infolist())
    except zipfile.BadZipFile:
        return seed
    return Seed(seed.name, seed.data, entries)


def load_seeds(target: str) -> list[Seed]:
    """The seeds of ``target`` (``all``: every target's), real files first, then generated reports."""
    if target == "all":
        return [seed for name in TARGETS[:-1] for seed in load_seeds(name)]
    seeds = []
    for path in _files(target):
        data = path.read_bytes()
        if target in ("text", "tsv") and (target == "tsv") != _is_tsv(data) and path.suffix != ".tsv":
            continue  # text seeds for the text target, tab tables for the tsv target
        if target == "markdown" and path.suffix == ".txt" and b"|---" not in data:
            continue  # Markdown saved as .txt: only files with pipe tables
        seeds.append(Seed(f"{path.parent.name}/{path.name}", data))
    seeds.extend(_synth(TARGET_SYNTH[target]))
    if target == "docx":
        seeds = [_with_entries(seed) for seed in seeds]
    if not seeds:
        raise RuntimeError(f"no seeds for target {target!r} in {', '.join(map(str, SEED_DIRS))} or from synth")
    return seeds
