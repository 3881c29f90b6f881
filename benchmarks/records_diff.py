"""Records before and after a change, field by field: what a change to the parser changed.

Three commands::

    python benchmarks/records_diff.py records DIR... --out FILE [--tree TREE]
    python benchmarks/records_diff.py diff BEFORE.jsonl AFTER.jsonl
    python benchmarks/records_diff.py against REV DIR... [--keep DIR]

``records`` parses every file under the directories (sorted, recursively) and writes one line per file: its path
and its record (or dead letter) as ``nianbao.record.dumps`` writes it. ``--tree`` loads ``nianbao`` from another
checkout of this repository (its ``core/``, ``plugins/`` and ``pipelines/``) instead of the installed one.
``diff`` prints every field that differs, as ``path field: before -> after``, and a summary that counts the
changes by kind: ``null -> value`` (a field the change fills), ``value -> null`` and ``value -> other value``.
It exits 1 when any change is not ``null -> value`` (issues and checks are compared too, and listed apart, since a
filled field changes them). ``against REV`` does both: a temporary ``git worktree`` of REV (``main``, say), the
records of both trees, the diff.

A generated corpus to run it on: ``nianbao synth --out /tmp/corpus -n 2000 --seed 1``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Record keys compared as wholes and reported apart: they change when a filled field does.
DERIVED = ("issues", "checks")


def load_tree(tree: Path) -> None:
    """Make ``import nianbao`` load the packages of ``tree`` (a checkout of this repository)."""
    for name, folder in (("nianbao", "core"), ("nianbao.plugins", "plugins"), ("nianbao.pipelines", "pipelines")):
        spec = importlib.util.spec_from_file_location(name, tree / folder / "__init__.py",
                                                      submodule_search_locations=[str(tree / folder)])
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
    for name in ("nianbao", "nianbao.plugins", "nianbao.pipelines"):
        module = sys.modules[name]
        module.__spec__.loader.exec_module(module)


def write_records(dirs: list[str], out: str, tree: str | None) -> int:
    os.environ["NIANBAO_LOAD_PLUGINS"] = ""  # built-in plugins only: installed packages must not differ the trees
    if tree:
        load_tree(Path(tree).resolve())
    from nianbao.parse import process_bytes
    from nianbao.record import dumps

    files = sorted(p for d in dirs for p in Path(d).rglob("*") if p.is_file() and not p.name.endswith(".json"))
    with open(out, "wb") as sink:
        for path in files:
            outcome = process_bytes(path.read_bytes(), str(path))
            sink.write(dumps({"path": str(path), "outcome": outcome.record or outcome.dead_letter}) + b"\n")
    return len(files)


def _flatten(value: object, prefix: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, item in value.items():
            if prefix == "" and key in DERIVED:
                out[key] = item
            else:
                out.update(_flatten(item, f"{prefix}.{key}" if prefix else key))
        return out
    return {prefix: value}


def _read(path: str) -> dict[str, dict[str, object]]:
    with open(path, encoding="utf-8") as lines:
        return {row["path"]: _flatten(row["outcome"]) for row in map(json.loads, lines)}


def diff(before_file: str, after_file: str) -> int:
    before, after = _read(before_file), _read(after_file)
    kinds = {"null -> value": 0, "value -> null": 0, "value -> other value": 0}
    derived = 0
    for path in sorted(before.keys() | after.keys()):
        old, new = before.get(path), after.get(path)
        if old is None or new is None:
            print(f"{path}: only {'after' if old is None else 'before'}")
            kinds["value -> other value"] += 1
            continue
        for field in sorted(old.keys() | new.keys()):
            a, b = old.get(field), new.get(field)
            if a == b:
                continue
            if field in DERIVED:
                derived += 1
                print(f"{path} {field}: changed (derived)")
                continue
            kind = "null -> value" if a is None else "value -> null" if b is None else "value -> other value"
            kinds[kind] += 1
            print(f"{path} {field}: {a!r} -> {b!r}" + ("" if kind == "null -> value" else f"   [{kind}]"))
    print(f"{len(after)} records; " + ", ".join(f"{kind}: {n}" for kind, n in kinds.items())
          + f"; issues/checks changed: {derived}")
    return 1 if kinds["value -> null"] or kinds["value -> other value"] else 0


def against(rev: str, dirs: list[str], keep: str | None) -> int:
    work = Path(keep or tempfile.mkdtemp(prefix="records-diff-"))
    work.mkdir(parents=True, exist_ok=True)
    tree = work / "tree"
    if not tree.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev], check=True)
    try:
        me = [sys.executable, str(Path(__file__).resolve()), "records", *dirs]
        subprocess.run([*me, "--out", str(work / "before.jsonl"), "--tree", str(tree)], check=True)
        subprocess.run([*me, "--out", str(work / "after.jsonl"), "--tree", str(ROOT)], check=True)
    finally:
        if not keep:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    return diff(str(work / "before.jsonl"), str(work / "after.jsonl"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    records = commands.add_parser("records", help="parse every file under DIRs into one JSON Lines file")
    records.add_argument("dirs", nargs="+")
    records.add_argument("--out", required=True)
    records.add_argument("--tree", help="a checkout of this repository to load nianbao from")
    compare = commands.add_parser("diff", help="compare two records files")
    compare.add_argument("before")
    compare.add_argument("after")
    rev = commands.add_parser("against", help="records of REV and of this tree, compared")
    rev.add_argument("rev")
    rev.add_argument("dirs", nargs="+")
    rev.add_argument("--keep", help="a folder to keep the worktree and both records files in")
    args = parser.parse_args(argv)
    if args.command == "records":
        print(f"{write_records(args.dirs, args.out, args.tree)} files", file=sys.stderr)
        return 0
    if args.command == "diff":
        return diff(args.before, args.after)
    return against(args.rev, args.dirs, args.keep)


if __name__ == "__main__":
    sys.exit(main())
