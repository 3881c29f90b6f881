"""The plugin host: registration checks, containment of broken plugins, entry points, ``nianbao plugins``.

Third-party plugins here are real out-of-tree distributions: a ``*.dist-info``
folder with ``METADATA`` and ``entry_points.txt`` plus a module, written to a
temporary folder put on ``sys.path``, which is what ``pip install`` leaves
behind. ``importlib.metadata`` finds them exactly as it finds installed ones.
The installed example packages (``examples/nianbao-odt``) are tested too when
present; CI installs them.
"""

from __future__ import annotations

import importlib.util
import io
import re
import textwrap
import types
import zipfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner

import nianbao
from nianbao import Extractor, Reader, hookimpl
from nianbao.cli import main
from nianbao.errors import PluginError
from nianbao.host import BUILTIN, DEFAULT_PLUGINS, REGISTERED, build_host, get_host

from .conftest import SAMPLES

SAMPLE = sorted(SAMPLES.glob("004_*.txt"))[0]


def plugin(name: str, **hooks: Callable[..., None]) -> types.ModuleType:
    """A throwaway plugin object: a module whose attributes are the given hook implementations."""
    module = types.ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(module, hook_name, hookimpl(function))
    return module


class NamedReader(Reader):
    """A reader that accepts ``.x`` files and whose name and priority are set per instance."""

    format = "x"
    extensions = frozenset({".x"})

    def __init__(self, name: str, priority: int = 0) -> None:
        self.name = name  # type: ignore[misc]
        self.priority = priority  # type: ignore[misc]

    def read(self, data, source):
        return nianbao.Document(blocks=(nianbao.Paragraph(text=data.decode()),), format="x")


class NamedExtractor(Extractor):
    def __init__(self, name: str) -> None:
        self.name = name  # type: ignore[misc]

    def extract(self, document, outline):
        return nianbao.Extraction(fields={self.name: True})


def readers(*instances: Reader) -> Callable[[Callable[[Reader], None]], None]:
    def register_readers(register):
        for instance in instances:
            register(instance)

    return register_readers


def assert_builtins_work(host) -> None:
    record = nianbao.parse_bytes(SAMPLE.read_bytes(), str(SAMPLE), host=host)
    assert record["source"]["reader"] in ("text", "tsv")
    assert record["applications"], "the built-in extractors ran"


# --------------------------------------------------------------------------
# Built-ins and plugin objects handed in (``extra``): errors raise
# --------------------------------------------------------------------------


def test_builtins_are_plugins_listed_with_their_package_and_contributions(host):
    infos = {info.name: info for info in host.infos}
    assert set(DEFAULT_PLUGINS) <= set(infos)
    text = infos["nianbao.plugins.text"]
    assert (text.package, text.version, text.error) == (BUILTIN, nianbao.__version__, None)
    assert text.registers == ("reader text",) and text.hooks == ("register_readers",)
    assert infos["nianbao.plugins.checks"].registers == (
        "check applications.balance", "check applications.row_total", "check applications.handled_total",
        "check review_litigation.total", "check prose.applications", "check prose.review", "check prose.litigation",
        "check prose.proactive", "check plausibility.non_negative", "check plausibility.pending",
        "check plausibility.year")
    assert host.owner("extractor", "metadata") == "nianbao.plugins.metadata"


def test_a_duplicate_reader_name_is_rejected_naming_both_plugins():
    message = "reader 'text' registered by both 'nianbao.plugins.text' and 'mine'"
    with pytest.raises(PluginError, match=re.escape(message)):
        build_host(entry_points=False, extra=[plugin("mine", register_readers=readers(NamedReader("text")))])


def test_duplicate_extractor_and_check_names_are_rejected_too():
    extractor = plugin("mine", register_extractors=lambda register: register(NamedExtractor("metadata")))
    with pytest.raises(PluginError, match=re.escape("extractor 'metadata' registered by both "
                                                    "'nianbao.plugins.metadata' and 'mine'")):
        build_host(entry_points=False, extra=[extractor])
    check = plugin("mine", register_checks=lambda register: register("applications.balance", lambda r: ()))
    with pytest.raises(PluginError, match=re.escape("check 'applications.balance' registered by both "
                                                    "'nianbao.plugins.checks' and 'mine'")):
        build_host(entry_points=False, extra=[check])
    twice = plugin("twice", register_readers=readers(NamedReader("x1"), NamedReader("x1")))
    with pytest.raises(PluginError, match="reader 'x1' registered by both 'twice' and 'twice'"):
        build_host(entry_points=False, extra=[twice])


@pytest.mark.parametrize(
    ("hook", "bad", "message"),
    [
        ("register_readers", (NamedReader,), r"registered <class .*NamedReader'> as a reader, which is not a "
                                             r"nianbao.readers.Reader instance \(a class, not an instance: call it\)"),
        ("register_readers", ("text",), r"registered 'text' as a reader, which is not a nianbao.readers.Reader"),
        ("register_readers", (NamedReader(""),), "registered a reader without a name"),
        ("register_extractors", (NamedReader("r"),), "as an extractor, which is not a nianbao.extract.Extractor"),
        ("register_checks", ("only-a-name",), r"register_checks wants register\(name, rule\)"),
        ("register_checks", ("", lambda record: ()), r"register_checks wants register\(name, rule\)"),
        ("register_checks", ("name", "not callable"), r"register_checks wants register\(name, rule\)"),
    ],
)
def test_a_wrong_type_is_rejected_with_a_plugin_error(hook, bad, message):
    wrong = plugin("wrong", **{hook: lambda register: register(*bad)})
    with pytest.raises(PluginError, match=f"plugin 'wrong'.*{message}"):
        build_host(entry_points=False, extra=[wrong])


def test_tryfirst_and_trylast_do_not_change_who_is_blamed():
    for mark in ({"trylast": True}, {"tryfirst": True}):
        module = types.ModuleType("marked")
        module.register_readers = hookimpl(**mark)(readers(NamedReader("text")))
        with pytest.raises(PluginError, match=re.escape("by both 'nianbao.plugins.text' and 'marked'")):
            build_host(entry_points=False, extra=[module])


def test_hook_wrappers_are_refused():
    module = types.ModuleType("wrapping")

    def register_readers(register):
        yield

    module.register_readers = hookimpl(wrapper=True)(register_readers)
    with pytest.raises(PluginError, match="register_readers is a contribution hook; it takes no wrappers"):
        build_host(entry_points=False, extra=[module])


def test_readers_are_used_by_priority_and_ties_keep_registration_order():
    host = build_host(entry_points=False, extra=[
        plugin("first", register_readers=readers(NamedReader("low", 1), NamedReader("tie-a", 30))),
        plugin("second", register_readers=readers(NamedReader("tie-b", 30), NamedReader("high", 99))),
    ])
    order = [r.name for r in host.readers]
    assert order[0] == "high"
    assert order.index("tie-a") + 1 == order.index("tie-b")
    assert order.index("low") > order.index("tie-b")
    record = nianbao.parse_bytes(b"hello", "a.x", host=host)
    assert record["source"]["reader"] == "high"
    assert host.info("first").package == REGISTERED


# --------------------------------------------------------------------------
# Entry-point plugins: real distributions on sys.path; failures are contained
# --------------------------------------------------------------------------


def install(root: Path, dist: str, entry_points: dict[str, str], modules: dict[str, str]) -> None:
    """Lay out what ``pip install`` leaves: ``<dist>.dist-info`` with metadata and entry points, and modules."""
    info = root / f"{dist.replace('-', '_')}-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1.0\n", encoding="utf-8")
    lines = "".join(f"{name} = {value}\n" for name, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[nianbao]\n{lines}", encoding="utf-8")
    for module, source in modules.items():
        (root / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")


GOOD = """
    from nianbao import Document, Paragraph, Reader, hookimpl

    class GoodReader(Reader):
        name = "good"
        format = "good"
        priority = 40
        extensions = frozenset({".good"})

        def read(self, data, source):
            return Document(blocks=(Paragraph(text=data.decode()),), format="good")

    @hookimpl
    def register_readers(register):
        register(GoodReader())
"""
BROKEN = """
    import nianbao_dependency_that_is_not_installed  # noqa: F401
"""
CLASHING = """
    from nianbao import Document, Extraction, Extractor, Reader, hookimpl

    class Clash(Reader):
        name = "text"
        format = "text"

    class Fine(Extractor):
        name = "clashing_extra"

        def extract(self, document, outline):
            return Extraction(fields={"clashing_extra": 1})

    @hookimpl
    def register_extractors(register):
        register(Fine())

    @hookimpl
    def register_readers(register):
        register(Clash())
"""
MISSPELT = """
    from nianbao import hookimpl

    @hookimpl
    def register_reader(register):
        pass
"""


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A folder on sys.path holding four third-party distributions: good, broken, clashing, misspelt."""
    install(tmp_path, "nianbao-good", {"good": "nianbao_good_plugin"}, {"nianbao_good_plugin": GOOD})
    install(tmp_path, "nianbao-broken", {"broken": "nianbao_broken_plugin"}, {"nianbao_broken_plugin": BROKEN})
    install(tmp_path, "nianbao-clashing", {"clashing": "nianbao_clashing_plugin"},
            {"nianbao_clashing_plugin": CLASHING})
    install(tmp_path, "nianbao-misspelt", {"misspelt": "nianbao_misspelt_plugin"},
            {"nianbao_misspelt_plugin": MISSPELT})
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_an_entry_point_plugin_is_loaded_with_its_package_and_version(site):
    host = build_host(entry_points=["good"])
    info = host.info("good")
    assert (info.package, info.version, info.error) == ("nianbao-good", "0.1.0", None)
    assert info.registers == ("reader good",) and info.hooks == ("register_readers",)
    assert nianbao.parse_bytes(b"x", "a.good", host=host)["source"]["reader"] == "good"


def test_a_plugin_that_fails_to_import_is_warned_about_listed_and_the_rest_work(site):
    with pytest.warns(RuntimeWarning, match=r"plugin 'broken' \(nianbao_broken_plugin\) from nianbao-broken "
                                            r"failed to load: ModuleNotFoundError: .*nianbao_dependency"):
        host = build_host(entry_points=["broken", "good"])
    info = host.info("broken")
    assert (info.package, info.version, info.registers) == ("nianbao-broken", "0.1.0", ())
    assert "ModuleNotFoundError" in info.error and "skipped" in info.error
    assert host.info("good").error is None  # the other third-party plugin still loads
    assert_builtins_work(host)


def test_a_plugin_that_registers_badly_is_withdrawn_whole(site):
    with pytest.warns(RuntimeWarning, match="reader 'text' registered by both 'nianbao.plugins.text' and "
                                            "'clashing'"):
        host = build_host(entry_points=["clashing"])
    info = host.info("clashing")
    assert info.error is not None and info.registers == ()
    assert host.owner("reader", "text") == "nianbao.plugins.text"
    assert "clashing_extra" not in [e.name for e in host.extractors]  # its good part is withdrawn too
    assert host.pm.get_plugin("clashing") is None
    assert_builtins_work(host)


def test_a_misspelt_hook_is_reported_with_a_suggestion(site):
    with pytest.warns(RuntimeWarning, match=r"plugin 'misspelt' from nianbao-misspelt implements unknown hooks: "
                                            r"register_reader \(did you mean register_readers\?\)"):
        host = build_host(entry_points=["misspelt"])
    assert host.info("misspelt").error is not None
    assert_builtins_work(host)


def test_a_plugin_asked_for_but_not_installed_is_warned_about(site):
    with pytest.warns(RuntimeWarning, match="plugin 'nope' was asked for .* but no installed package provides it"):
        host = build_host(entry_points=["nope", "good"])
    assert host.info("nope").error is not None
    assert host.info("good").error is None


def test_nianbao_load_plugins_selects_entry_points(site, monkeypatch):
    monkeypatch.setenv("NIANBAO_LOAD_PLUGINS", "good")
    assert "good" in [info.name for info in build_host().infos]
    monkeypatch.setenv("NIANBAO_LOAD_PLUGINS", "")
    assert [info.name for info in build_host().infos if info.package != BUILTIN] == []
    monkeypatch.delenv("NIANBAO_LOAD_PLUGINS")
    with pytest.warns(RuntimeWarning):  # unset = every installed plugin, the broken ones included
        names = {info.name for info in build_host().infos}
    assert {"good", "broken", "clashing", "misspelt"} <= names


@pytest.fixture
def cli_host(monkeypatch):
    """``nianbao plugins`` in-process: the default host is rebuilt from the environment, then forgotten."""
    get_host.cache_clear()
    yield lambda plugins: monkeypatch.setenv("NIANBAO_LOAD_PLUGINS", plugins)
    get_host.cache_clear()


def test_nianbao_plugins_lists_failures_packages_and_what_each_registers(site, cli_host):
    cli_host("good,broken")
    with pytest.warns(RuntimeWarning):
        result = CliRunner().invoke(main, ["plugins", "--all"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "nianbao.plugins.text  (nianbao " in out
    assert "    reader text  priority 0: .tab .text .tsv .txt" in out
    assert "good  (nianbao-good 0.1.0)\n    reader good  priority 40: .good\n    hooks: register_readers" in out
    assert "broken  (nianbao-broken 0.1.0)\n    ERROR: plugin 'broken' (nianbao_broken_plugin)" in out
    assert out.index("nianbao.plugins.tsv") < out.index("broken  (")  # built-ins first


def test_nianbao_plugins_hook_filter(site, cli_host):
    cli_host("good")
    result = CliRunner().invoke(main, ["plugins", "--hook", "register_checks"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "nianbao.plugins.checks  (nianbao " + nianbao.__version__ + ")"
    assert "reader" not in result.output and "good" not in result.output
    result = CliRunner().invoke(main, ["plugins", "--hook", "register_reader"])
    assert result.exit_code != 0
    assert ("no hook 'register_reader'; hooks: register_checks, register_commands, register_extractors, "
            "register_outputs, register_readers") in result.output


# --------------------------------------------------------------------------
# The real out-of-tree package: examples/nianbao-odt, when installed
# --------------------------------------------------------------------------

needs_odt_plugin = pytest.mark.skipif(
    importlib.util.find_spec("nianbao_odt") is None
    or not any(ep.name == "odt" for ep in metadata.entry_points(group="nianbao")),
    reason="examples/nianbao-odt is not installed (pip install -e examples/nianbao-odt)",
)
ODT_CONTENT = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
               "<text:p>某局2024年政府信息公开工作年度报告</text:p><text:p>一、总体情况</text:p>"
               "</office:text></office:body></office:document-content>")


def odt_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", ODT_CONTENT)
    return out.getvalue()


@needs_odt_plugin
def test_the_odt_example_loads_through_its_entry_point_and_reads_a_report():
    host = build_host(entry_points=["odt"])
    info = host.info("odt")
    assert (info.package, info.error, info.registers) == ("nianbao-odt", None, ("reader odt",))
    assert info.version == metadata.version("nianbao-odt")
    record = nianbao.parse_bytes(odt_bytes(), "report.odt", host=host)
    assert record["source"]["reader"] == "odt"
    assert record["title"] == "某局2024年政府信息公开工作年度报告"


def test_without_an_odt_reader_an_odt_is_a_dead_letter_at_detect(host):
    outcome = nianbao.process_bytes(odt_bytes(), "report.odt", host=host)
    assert outcome.record is None
    error = outcome.dead_letter["error"]
    assert (error["stage"], error["type"]) == ("detect", "DetectError")
    assert error["message"].startswith("no reader accepts the file (extension .odt")
