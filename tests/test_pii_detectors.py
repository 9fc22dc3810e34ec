"""Detector settings as data: loading, validation messages that name the key, the registry, the defaults."""

import pytest
import yaml

from postcurate.errors import ConfigError
from postcurate.pii import default_detectors, detector_kind, load_detectors, parse_detectors
from postcurate.pii.detectors import _KINDS, Detector


def test_shipped_config_loads_every_type_in_stage_order():
    d = load_detectors("conf/detectors.yaml")
    assert d.types == ["email", "coords", "ip", "ssn", "nino", "address", "mention", "iban", "card", "nhs", "phone"]
    assert {x.placeholder for x in d.detectors} == {
        "<EMAIL>", "<COORDS>", "<IP>", "<SSN>", "<NINO>", "<ADDRESS>", "<MENTION>", "<IBAN>", "<CARD>", "<NHS>", "<PHONE>"
    }
    assert {p.country for p in d.phone_plans} >= {"GB", "US", "DE", "FR", "IE", "IN", "BR", "AU"}


def test_built_in_defaults_are_the_shipped_config():
    # No copy in the code: the defaults are conf/detectors.yaml as shipped (read from the checkout here; from a
    # wheel and from a --py-files zip in tests/test_cluster.py).
    assert default_detectors() == load_detectors("conf/detectors.yaml")
    assert default_detectors().lottery_words[:2] == ("lotto", "lottery")


def write(tmp_path, text):
    p = tmp_path / "detectors.yaml"
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    "text, key",
    [
        ("detectors:\n  emial: {}\n", "emial"),
        ("detectors:\n  email: {placeholder: EMAIL}\n", "detectors.email.placeholder"),
        ("detectors:\n  email: {enabled: 'yes'}\n", "detectors.email.enabled"),
        ("detectors:\n  email: {colour: red}\n", "colour"),
        ("detectors:\n  email: {context: {negative: [1, 2]}}\n", "detectors.email.context.negative"),
        ("detectors:\n  email: {context: {window: 0}}\n", "detectors.email.context.window"),
        ("detectors:\n  email: {}\n  mention: {placeholder: '<EMAIL>'}\n", "<EMAIL>"),
        ("detectors:\n  phone: {}\n", "detectors.phone.plans"),
        ("detectors:\n  phone: {plans: {GB: {code: '0044', nsn: '[0-9]+'}}}\n", "detectors.phone.plans.GB.code"),
        ("detectors:\n  phone: {plans: {GB: {code: '44', nsn: 5}}}\n", "detectors.phone.plans.GB.nsn"),
        ("detectors:\n  phone: {plans: {GB: {code: '44', nsn: '1', national: [{pattern: '0', groups: [[0]]}]}}}\n",
         "detectors.phone.plans.GB.national[0].groups"),
        ("detectors: {}\n", "detectors"),
        ("colours: {}\ndetectors:\n  email: {}\n", "colours"),
        ("protect_urls: maybe\ndetectors:\n  email: {}\n", "protect_urls"),
        ("detectors:\n  custom: {pattern: ''}\n", "detectors.custom.pattern"),
    ],
)
def test_bad_settings_name_the_key(tmp_path, text, key):
    with pytest.raises(ConfigError) as err:
        load_detectors(write(tmp_path, text))
    assert key in str(err.value)
    assert "detectors.yaml" in str(err.value)


def test_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_detectors(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_detectors(write(tmp_path, "detectors: [unclosed\n"))


def test_disabled_detectors_are_left_out_and_lists_are_flattened(tmp_path):
    d = load_detectors(
        write(
            tmp_path,
            "vocabulary:\n  a: &a [order, invoice]\n"
            "detectors:\n  email: {enabled: false}\n  card: {context: {negative: [*a, [ref]]}}\n",
        )
    )
    assert d.types == ["card"]
    assert d.detectors[0].context.negative == ("order", "invoice", "ref")


def test_a_new_kind_plugs_in_through_the_registry(spark):
    @detector_kind("licence_plate", 65, "<PLATE>")
    def _plate(name, placeholder, context, settings):
        return Detector(name, placeholder, 65, context, pattern=r"\b[A-Z]{2}[0-9]{2} ?[A-Z]{3}\b")

    try:
        d = parse_detectors(yaml.safe_load("detectors:\n  licence_plate: {}\n  email: {}\n"))
        assert d.types == ["email", "licence_plate"]
        assert d.detectors[1].placeholder == "<PLATE>"
        from postcurate.pii import redact_text

        assert redact_text(spark, d, "plate AB12 CDE, mail a@b.de") == "plate <PLATE>, mail <EMAIL>"
    finally:
        del _KINDS["licence_plate"]


def test_context_and_plans_reach_the_detectors():
    d = load_detectors("conf/detectors.yaml")
    phone = next(x for x in d.detectors if x.name == "phone")
    assert "order" in phone.context.negative and "call" in phone.context.positive
    assert "tracking" in phone.context.negative and "lotto" in phone.context.negative


def test_the_scanner_spec_names_every_detector_with_its_kind_and_the_plans():
    import json

    from postcurate.pii.scanner import scanner_spec

    spec = json.loads(scanner_spec(load_detectors("conf/detectors.yaml")))
    assert [d["kind"] for d in spec["detectors"]] == [
        "email", "coords", "ip", "ssn", "nino", "address", "mention", "iban", "card", "nhs", "phone"
    ]
    phone = spec["detectors"][-1]
    assert {p["country"] for p in phone["plans"]} >= {"GB", "US", "DE", "FR", "IE", "IN", "BR", "AU"}
    assert "lotto" in spec["lottery_words"] and spec["protect_urls"] is True
