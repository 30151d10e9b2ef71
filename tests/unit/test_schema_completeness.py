"""Every key of the one schema is described, typed and defaulted, and the example pillar shows them all."""

import re

import pytest

from sigmavault import tree
from sigmavault.schema.loader import DOMAINS, load_schema
from sigmavault.verdict import validate_pillar

from .builders import example_pillar


def _keys(rules: dict, path: str):
    """(path, rules) for every named key below rules, through dict schemas, valuesrules and list schemas."""
    if rules.get("type") == "dict" and isinstance(rules.get("schema"), dict):
        for name, child in rules["schema"].items():
            yield f"{path}.{name}", child
            yield from _keys(child, f"{path}.{name}")
    if "valuesrules" in rules:
        yield from _keys(rules["valuesrules"], f"{path}.<name>")
    if rules.get("type") == "list" and isinstance(rules.get("schema"), dict):
        yield from _keys(rules["schema"], f"{path}[]")


def _rule_sets(rules: dict, path: str):
    """Every rule set: named keys, valuesrules, keysrules and list items."""
    yield path, rules
    if rules.get("type") == "dict" and isinstance(rules.get("schema"), dict):
        for name, child in rules["schema"].items():
            yield from _rule_sets(child, f"{path}.{name}")
    if "valuesrules" in rules:
        yield from _rule_sets(rules["valuesrules"], f"{path}.<name>")
    if "keysrules" in rules:
        yield f"{path}.<key>", rules["keysrules"]
    if rules.get("type") == "list" and isinstance(rules.get("schema"), dict):
        yield from _rule_sets(rules["schema"], f"{path}[]")


SCHEMA = load_schema()
KEYS = [(path, rules) for name, root in SCHEMA.items()
        for path, rules in [(name, root), *_keys(root, name)]]
RULE_SETS = [item for name, root in SCHEMA.items() for item in _rule_sets(root, name)]
KEY_IDS = [path for path, _ in KEYS]


def test_walk_reaches_keys_behind_valuesrules_and_lists():
    assert "sigmavault.storage.pools.<name>.datasets.<name>.nodatacow" in KEY_IDS
    assert "sigmavault.storage.disks.<name>.backing_file" in KEY_IDS
    assert "sigmavault.storage.pools.<name>.profile.metadata" in KEY_IDS
    assert {f"sigmavault.{domain}" for domain in DOMAINS} <= set(KEY_IDS)


def test_every_domain_of_the_converge_order_has_a_schema_file():
    files = {path.stem for path in tree.schema_dir().glob("*.yaml")}
    assert files == set(DOMAINS)
    assert set(SCHEMA["sigmavault"]["schema"]) == set(DOMAINS)


@pytest.mark.parametrize("path, rules", RULE_SETS, ids=[p for p, _ in RULE_SETS])
def test_every_rule_set_names_its_type(path, rules):
    assert rules.get("type") in {"dict", "list", "string", "integer", "boolean"}, path


@pytest.mark.parametrize("path, rules", KEYS, ids=KEY_IDS)
def test_every_key_has_a_one_line_description(path, rules):
    description = rules.get("meta", {}).get("description")
    assert isinstance(description, str) and description.strip(), f"{path} has no meta.description"
    assert "\n" not in description.strip(), f"{path}: description spans several lines"


@pytest.mark.parametrize("path, rules", KEYS, ids=KEY_IDS)
def test_every_optional_key_has_a_default(path, rules):
    if rules.get("required"):
        assert "default" not in rules, f"{path} is required, so a default would never apply"
    else:
        assert "default" in rules, f"{path} is optional but has no default"


@pytest.mark.parametrize("path, rules", KEYS, ids=KEY_IDS)
def test_a_null_default_is_allowed_by_the_key(path, rules):
    if "default" in rules and rules["default"] is None:
        assert rules.get("nullable") is True, f"{path} defaults to null but refuses null"


@pytest.mark.parametrize("path, rules", RULE_SETS, ids=[p for p, _ in RULE_SETS])
def test_every_regex_has_a_pattern_hint(path, rules):
    if "regex" in rules:
        hint = rules.get("meta", {}).get("pattern_hint")
        assert isinstance(hint, str) and hint.strip(), f"{path} has a regex but no meta.pattern_hint"


@pytest.mark.parametrize("path, rules", RULE_SETS, ids=[p for p, _ in RULE_SETS])
def test_every_regex_is_anchored_at_both_ends(path, rules):
    if "regex" in rules:
        assert rules["regex"].startswith("^") and rules["regex"].endswith(("$", "\\Z")), path


def test_there_are_regex_rules_to_check():
    assert sum(1 for _, rules in RULE_SETS if "regex" in rules) >= 15


def test_example_pillar_validates():
    result = validate_pillar(example_pillar())
    assert result.ok, [str(e) for e in result.errors]
    assert sorted(result.document["storage"]["pools"]) == ["scratch", "tank"]


def test_example_pillar_is_plain_yaml_without_jinja():
    text = (tree.example_pillar_dir() / "sigmavault.sls").read_text()
    assert "{{" not in text and "{%" not in text


@pytest.mark.parametrize("name", sorted({path.rsplit(".", 1)[-1].removesuffix("[]") for path in KEY_IDS}))
def test_example_pillar_mentions_every_schema_key(name):
    text = (tree.example_pillar_dir() / "sigmavault.sls").read_text()
    assert re.search(rf"(?<![\w.]){re.escape(name)}:", text), f"{name}: appears nowhere in the example pillar"
