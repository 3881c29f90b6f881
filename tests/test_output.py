"""Plugin outputs (nianbao.output): selection, one ordered stream per sink, failures contained."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao import Output, Sink
from nianbao.errors import OutputError
from nianbao.output import Outputs, select


class Recording(Sink):
    """Keeps what it is fed; raises on the ``fail_at``-th record, or in close(); files in ``directory``."""

    def __init__(self, directory: str, *, fail_at: int | None = None, fail_close: bool = False) -> None:
        self.partial = Path(directory) / f".{id(self)}.tmp"
        self.partial.write_text("", "utf-8")
        self.seen: list[str] = []
        self.fail_at, self.fail_close = fail_at, fail_close
        self.aborted = False

    def write_record(self, record):
        if self.fail_at is not None and len(self.seen) + 1 == self.fail_at:
            raise KeyError("year")
        self.seen.append(record["source"]["uri"])

    def write_dead_letter(self, letter):
        self.seen.append("dead:" + letter["source"]["uri"])

    def close(self):
        if self.fail_close:
            raise OSError("disk full")
        final = self.partial.with_name("done.txt")
        self.partial.replace(final)
        return [str(final)]

    def abort(self):
        self.aborted = True
        self.partial.unlink(missing_ok=True)


class Named(Output):
    def __init__(self, name: str, **sink_options) -> None:
        self.name = name
        self.sink_options = sink_options
        self.sinks: list[Recording] = []

    def open(self, directory):
        if self.sink_options.get("refuse"):
            raise ValueError("needs a local directory")
        sink = Recording(directory, **{k: v for k, v in self.sink_options.items() if k != "refuse"})
        self.sinks.append(sink)
        return sink


def record(uri: str) -> dict:
    return {"source": {"uri": uri}, "checks": [], "issues": []}


def letter(uri: str) -> dict:
    return {"source": {"uri": uri}, "error": {"stage": "detect", "type": "DetectError", "message": "no"}}


def test_select_all_none_and_names():
    a, b = Named("a"), Named("b")
    assert select([a, b], None) == [a, b] == select([a, b], "all")
    assert select([a, b], "none") == [] == select([a, b], "")
    assert select([a, b], "b, a,b") == [b, a]


def test_selecting_an_unknown_output_names_the_registered_ones():
    with pytest.raises(OutputError, match=r"no output called 'sqlite'; registered outputs: a, b\. .*installed"):
        select([Named("b"), Named("a")], "a,sqlite")
    with pytest.raises(OutputError, match="registered outputs: none"):
        select([], "sqlite")


def test_every_sink_gets_every_outcome_in_order(tmp_path):
    a, b = Named("a"), Named("b")
    with Outputs([a, b], str(tmp_path)) as outputs:
        outputs.write_record(record("1"))
        outputs.write_dead_letter(letter("2"))
        outputs.write_record(record("3"))
        results = outputs.close()
    assert a.sinks[0].seen == b.sinks[0].seen == ["1", "dead:2", "3"]
    assert results["a"] == {"plugin": __name__, "files": ["done.txt"], "records": 2, "dead_letters": 1,
                            "error": None}


def test_a_failing_sink_is_aborted_and_the_others_go_on(tmp_path, caplog):
    bad, good = Named("bad", fail_at=2), Named("good")
    with Outputs([bad, good], str(tmp_path), owner=lambda name: f"nianbao-{name}") as outputs:
        for uri in "123":
            outputs.write_record(record(uri))
        results = outputs.close()
    assert bad.sinks[0].aborted and bad.sinks[0].seen == ["1"]  # never fed again after failing
    assert good.sinks[0].seen == ["1", "2", "3"] and not good.sinks[0].aborted
    assert results["bad"]["error"] == ("output 'bad' (plugin 'nianbao-bad') failed writing the record of 2: "
                                       "KeyError: 'year'")
    assert results["bad"]["files"] == [] and results["bad"]["records"] == 1
    assert results["good"]["error"] is None and results["good"]["records"] == 3
    assert "failed writing the record of 2" in caplog.text


def test_a_sink_failing_to_close_is_reported_and_cleaned_up(tmp_path):
    output = Named("full", fail_close=True)
    with Outputs([output], str(tmp_path)) as outputs:
        outputs.write_record(record("1"))
        results = outputs.close()
    assert results["full"]["error"].endswith("failed closing: OSError: disk full")
    assert output.sinks[0].aborted and list(tmp_path.iterdir()) == []


def test_an_output_that_cannot_open_aborts_the_ones_already_open(tmp_path):
    first = Named("first")
    with pytest.raises(OutputError, match=r"output 'remote' \(plugin 'p'\) cannot open .*: ValueError: needs a local"):
        Outputs([first, Named("remote", refuse=True)], str(tmp_path), owner=lambda name: "p")
    assert first.sinks[0].aborted and list(tmp_path.iterdir()) == []


def test_an_exception_in_the_run_aborts_every_sink(tmp_path):
    output = Named("x")
    with pytest.raises(RuntimeError), Outputs([output], str(tmp_path)) as outputs:
        outputs.write_record(record("1"))
        raise RuntimeError("the merge failed")
    assert output.sinks[0].aborted and list(tmp_path.iterdir()) == []


def test_the_base_sink_must_write_records_and_ignores_dead_letters(tmp_path):
    class Lazy(Output):
        name = "lazy"

        def open(self, directory):
            return Sink()

    with Outputs([Lazy()], str(tmp_path)) as outputs:
        outputs.write_dead_letter(letter("1"))
        outputs.write_record(record("2"))
        results = outputs.close()
    assert results["lazy"]["dead_letters"] == 1
    assert results["lazy"]["error"].endswith("NotImplementedError: Sink does not implement write_record()")


def test_the_host_checks_what_register_outputs_is_given():
    from nianbao.errors import PluginError
    from nianbao.host import build_host

    from .test_plugin_hooks import plugin

    with pytest.raises(PluginError, match=r"registered <class .*Named'> as an output, which is not a "
                                          r"nianbao\.output\.Output instance \(a class, not an instance: call it\)"):
        build_host(entry_points=False, extra=[plugin("p", register_outputs=lambda register: register(Named))])
    with pytest.raises(PluginError, match="output 'x' registered by both 'one' and 'two'"):
        build_host(entry_points=False, extra=[plugin("one", register_outputs=lambda register: register(Named("x"))),
                                              plugin("two", register_outputs=lambda register: register(Named("x")))])
