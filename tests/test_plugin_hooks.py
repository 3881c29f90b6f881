"""The plugin surface kept honest: every hook is tested and documented, and each hook is tested here.

Meta-tests (after datasette's ``test_plugin_hooks_have_tests`` and
``test_plugin_hooks_are_documented``) are parametrised over the hooks of the
plugin manager, so adding a hookspec fails the suite until the hook has a test
named ``test_hook_<name>`` somewhere under ``tests/`` and a heading with its
signature in ``docs/plugins.md``.
"""

from __future__ import annotations

import ast
import re
import types
from collections.abc import Callable
from pathlib import Path

import pytest

import nianbao
from nianbao import CheckResult, Document, Extraction, Extractor, Paragraph, Reader, hookimpl
from nianbao.host import build_host

from .conftest import REPO

TESTS = Path(__file__).resolve().parent
DOCS = REPO / "docs" / "plugins.md"


def _hook_callers() -> dict[str, object]:
    pm = build_host(entry_points=False).pm
    return {name: getattr(pm.hook, name) for name in dir(pm.hook)
            if not name.startswith("_") and getattr(pm.hook, name).has_spec()}


HOOKS = _hook_callers()


def _test_function_names() -> set[str]:
    names: set[str] = set()
    for path in TESTS.rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names.update(node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef))
    return names


def test_there_are_hooks():
    assert set(HOOKS) >= {"register_readers", "register_extractors", "register_checks"}


@pytest.mark.parametrize("hook", sorted(HOOKS))
def test_plugin_hooks_have_tests(hook):
    assert f"test_hook_{hook}" in _test_function_names(), f"hook {hook} has no test named test_hook_{hook}"


@pytest.mark.parametrize("hook", sorted(HOOKS))
def test_plugin_hooks_are_documented(hook):
    docs = DOCS.read_text(encoding="utf-8")
    signature = f"{hook}({', '.join(HOOKS[hook].spec.argnames)})"
    headings = [line for line in docs.splitlines() if re.match(r"#{2,4} ", line)]
    assert any(signature in line for line in headings), f"docs/plugins.md has no heading with `{signature}`"


def plugin(name: str, **hooks: Callable[..., None]) -> types.ModuleType:
    """A throwaway plugin: a module object whose attributes are the given hook implementations."""
    module = types.ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(module, hook_name, hookimpl(function))
    return module


class EchoReader(Reader):
    """Reads ``.echo`` files: one paragraph per line."""

    name = "echo"
    format = "echo"
    priority = 5
    extensions = frozenset({".echo"})

    def read(self, data: bytes, source: nianbao.SourceInfo) -> Document:
        lines = data.decode("utf-8").splitlines()
        return Document(blocks=tuple(Paragraph(text=line) for line in lines if line), format=self.format)


REPORT = "某局2021年政府信息公开工作年度报告\n一、总体情况\n本年度主动公开信息12条。\n"


def test_hook_register_readers():
    host = build_host(entry_points=False, extra=[plugin("echo_plugin", register_readers=lambda register:
                                                       register(EchoReader()))])
    assert host.owner("reader", "echo") == "echo_plugin"
    assert [r.priority for r in host.readers] == sorted((r.priority for r in host.readers), reverse=True)
    assert host.info("echo_plugin").registers == ("reader echo",)
    record = nianbao.parse_bytes(REPORT.encode(), "report.echo", host=host)
    assert (record["source"]["format"], record["source"]["reader"]) == ("echo", "echo")
    assert record["year"] == 2021 and record["sections"]["overview"] == "本年度主动公开信息12条。"
    # without the plugin the same file is a dead letter at the detect stage
    outcome = nianbao.process_bytes(REPORT.encode(), "report.echo", host=build_host(entry_points=False))
    assert outcome.dead_letter["error"]["stage"] == "detect"
    assert outcome.dead_letter["error"]["message"].startswith("no reader accepts the file (extension .echo")


class LengthExtractor(Extractor):
    """Adds ``characters``: the length of the document's text, and a warning when it is short."""

    name = "length"
    priority = 1

    def extract(self, document, outline):
        count = sum(len(p.text) for p in document.paragraphs())
        issues = [nianbao.Issue(level="warning", code="length.short", message="short", where="characters")]
        return Extraction(fields={"characters": count, "sections": {"other": "merged"}},
                          issues=issues if count < 100 else [])


def test_hook_register_extractors():
    host = build_host(entry_points=False, extra=[plugin("length_plugin", register_extractors=lambda register:
                                                       register(LengthExtractor()))])
    assert host.owner("extractor", "length") == "length_plugin"
    assert host.extractors[-1].name == "length"  # lowest priority runs last
    record = nianbao.parse_bytes(REPORT.encode(), "report.txt", host=host)
    assert record["characters"] == len(REPORT.replace("\n", ""))  # a new key
    assert record["sections"]["overview"] == "本年度主动公开信息12条。"  # a dict merged key by key ...
    assert record["sections"]["other"] == "merged"  # ... so this extractor filled one key only
    assert {"level": "warning", "code": "length.short", "message": "short", "where": "characters"} in record["issues"]


def always_two(record):
    yield CheckResult(where="a", ok=True, expected=1, actual=1)
    yield CheckResult(where="b", ok=False, expected=2, actual=None)


def test_hook_register_checks():
    host = build_host(entry_points=False, extra=[plugin("check_plugin", register_checks=lambda register:
                                                       register("custom.two", always_two))])
    assert host.owner("check", "custom.two") == "check_plugin"
    assert host.checks[-1] == ("custom.two", always_two)  # after the built-ins, in registration order
    record = nianbao.parse_bytes(REPORT.encode(), "report.txt", host=host)
    mine = [c for c in record["checks"] if c["rule"] == "custom.two"]
    assert mine == [{"rule": "custom.two", "where": "a", "ok": True, "expected": 1, "actual": 1},
                    {"rule": "custom.two", "where": "b", "ok": False, "expected": 2, "actual": None}]


class ListSink(nianbao.Sink):
    """Writes ``<uri>\\t<kind>`` lines to ``outcomes.tsv``, in the order it is fed."""

    def __init__(self, directory: str) -> None:
        self.path = Path(directory) / "outcomes.tsv"
        self.lines: list[str] = []

    def write_record(self, record):
        self.lines.append(f"{record['source']['uri']}\trecord\t{record['year']}")

    def write_dead_letter(self, letter):
        self.lines.append(f"{letter['source']['uri']}\t{letter['error']['stage']}\t")

    def close(self):
        self.path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
        return [str(self.path)]


class ListOutput(nianbao.Output):
    name = "list"
    description = "outcomes.tsv: one line per outcome"

    def open(self, directory):
        return ListSink(directory)


def test_hook_register_commands(monkeypatch):
    import click
    from click.testing import CliRunner

    from nianbao.cli import main
    from nianbao.errors import PluginError

    @click.command()
    @click.argument("name")
    def hello(name):
        """Greet NAME."""
        click.echo(f"hello {name}")

    host = build_host(entry_points=False, extra=[plugin("hello_plugin", register_commands=lambda register:
                                                       register("hello", hello))])
    assert host.commands["hello"] is hello and host.owner("command", "hello") == "hello_plugin"
    # The pipelines package registers its commands by name: nothing of Beam is imported to list them.
    assert host.commands["run"] == "nianbao.pipelines.cli:run_command"
    assert host.owner("command", "report") == "nianbao.pipelines.commands"
    for bad, message in [(("parse", hello), "nianbao itself defines"), (("x", "no colon"), "click.Command"),
                         (("x", object()), "click.Command"), (("", hello), "non-empty name")]:
        with pytest.raises(PluginError, match=message):
            build_host(entry_points=False, extra=[plugin("bad", register_commands=lambda register, b=bad:
                                                         register(*b))])
    with pytest.raises(PluginError, match="registered by both"):
        build_host(entry_points=False, extra=[plugin("again", register_commands=lambda register:
                                                     register("run", hello))])
    monkeypatch.setattr("nianbao.cli.get_host", lambda: host)  # the CLI asks the process's host for commands
    listing = CliRunner().invoke(main, ["--help"])
    assert "hello" in listing.output and "Greet NAME." in listing.output and "run" in listing.output
    result = CliRunner().invoke(main, ["hello", "you"])
    assert result.exit_code == 0 and result.output == "hello you\n"


def test_hook_register_outputs(tmp_path):
    from nianbao.output import Outputs

    host = build_host(entry_points=False, extra=[plugin("list_plugin", register_outputs=lambda register:
                                                       register(ListOutput()))])
    assert host.owner("output", "list") == "list_plugin"
    assert [o.name for o in host.outputs] == ["list"]
    assert host.info("list_plugin").registers == ("output list",)
    inputs = [("a.txt", REPORT.encode()), ("b.txt", b""), ("c.txt", REPORT.replace("2021", "2020").encode())]
    with Outputs(host.outputs, str(tmp_path), owner=lambda name: host.owner("output", name)) as outputs:
        for uri, data in inputs:
            outcome = nianbao.process_bytes(data, uri, host=host)
            if outcome.record is not None:
                outputs.write_record(outcome.record)
            else:
                outputs.write_dead_letter(outcome.dead_letter)
        results = outputs.close()
    assert results == {"list": {"plugin": "list_plugin", "files": ["outcomes.tsv"], "records": 2,
                                "dead_letters": 1, "error": None}}
    assert (tmp_path / "outcomes.tsv").read_text("utf-8").splitlines() == [
        "a.txt\trecord\t2021", "b.txt\tdetect\t", "c.txt\trecord\t2020"]
