"""The record contract: the JSON Schema file, and every record produced validates against it."""

from __future__ import annotations

import jsonschema
import orjson
import pytest

import nianbao
from nianbao.schema import dead_letter_schema, load_schema, record_schema

from .conftest import SAMPLES, SEEDS


def test_schema_file_is_the_generated_schema():
    assert load_schema() == record_schema(), "regenerate: python -m nianbao.schema > core/record.schema.json"


def test_schema_is_a_valid_schema():
    jsonschema.Draft202012Validator.check_schema(load_schema())


@pytest.mark.parametrize("path", sorted(SAMPLES.iterdir()), ids=lambda p: p.name)
def test_every_record_validates(path, host):
    outcome = nianbao.process_bytes(path.read_bytes(), str(path), host=host)
    if outcome.record is None:
        jsonschema.validate(outcome.dead_letter, dead_letter_schema())
        return
    jsonschema.validate(outcome.record, load_schema())
    # JSON round trip through orjson keeps the record intact
    assert orjson.loads(nianbao.record.dumps(outcome.record)) == outcome.record


def test_schema_rejects_a_broken_record(host):
    record = nianbao.parse_file(SEEDS / "004_2dfc536c7b58f7e3.txt", host=host)
    record["applications"]["granted"]["total"] = "1"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, load_schema())
    record["applications"]["granted"]["total"] = 1
    record["applications"]["granted"]["surplus"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, load_schema())


def test_dead_letters_validate(host):
    outcome = nianbao.process_bytes(b"", "empty.txt", host=host)
    jsonschema.validate(outcome.dead_letter, dead_letter_schema())
    assert set(outcome.dead_letter) == {"source", "error"}


def test_record_keys_are_the_contract(host):
    record = nianbao.parse_file(SEEDS / "002_6f1e0a320b3e1d76.txt", host=host)
    assert list(record) == ["schema_version", "source", "title", "agency", "year", "published", "signed",
                            "template", "sections", "proactive", "applications", "review_litigation", "checks",
                            "issues", "timeliness", "measures"]  # the last two: extra keys, RECORD.md allows them
    assert set(record["source"]) == {"uri", "format", "reader", "sha256", "bytes"}
