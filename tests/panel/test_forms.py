"""Forms from the schema: every key becomes a field; submitted fields become the document again."""

import copy
import json

from werkzeug.datastructures import MultiDict

from sigmavault.schema import PillarError
from sigmavault.verdict import validate_pillar
from sigmavault_panel.services import form_submit, forms
from tests.panel.conftest import PILLAR

DOC = PILLAR["sigmavault"]


def nodes(root):
    return list(forms._nodes(root))


def by_path(root, *path):
    return next(n for n in nodes(root) if n.path == path and n.kind != "new")


def test_storage_form_has_a_field_for_every_key_of_a_dataset_from_the_schema():
    root = forms.build("storage", DOC)
    media = by_path(root, "storage", "pools", "tank", "datasets", "media")
    assert [child.key for child in media.children] == ["mountpoint", "quota", "compression", "nodatacow"]
    assert by_path(root, "storage", "pools", "tank", "datasets", "media", "nodatacow").kind == "checkbox"
    assert by_path(root, "storage", "pools", "tank", "type").kind == "select"
    assert by_path(root, "storage", "pools", "tank", "devices").text == "d0"


def test_fields_carry_the_schema_description_and_pattern_hint():
    quota = by_path(forms.build("storage", DOC), "storage", "pools", "tank", "datasets", "media", "quota")
    assert "qgroup limit" in quota.description and "powers of 1024" in quota.hint


def test_defaults_fill_keys_the_pillar_leaves_out():
    pool = by_path(forms.build("storage", DOC), "storage", "pools", "tank", "compression")
    assert pool.value == "zstd:3"


def test_system_form_comes_from_the_schema_too():
    assert [c.key for c in forms.build("system", {"system": {}}).children] == ["hostname", "timezone"]


def submitted(root) -> MultiDict:
    """What a browser posts for the form as rendered (checkboxes: the hidden 0, then 1 if checked)."""
    data = MultiDict()
    for node in nodes(root):
        if node.kind in ("group", "collection", "new") or node.form_name.startswith("nv:"):
            continue
        if node.kind == "checkbox":
            data.add(node.form_name, "0")
            if node.value:
                data.add(node.form_name, "1")
        else:
            data.add(node.form_name, node.text)
    return data


def test_posting_the_form_unchanged_gives_the_same_valid_document():
    normalized = validate_pillar(PILLAR).document
    document, pending, problems = form_submit.apply_form("storage", submitted(forms.build("storage", normalized)),
                                                   normalized)
    assert (document, pending, problems) == (normalized, {}, [])


def new_dataset(name: str, **values) -> MultiDict:
    collection = ["storage", "pools", "tank", "datasets"]
    data = MultiDict([("nn:" + json.dumps(collection), name)])
    for key, value in values.items():
        data.add("nv:" + json.dumps([collection, key]), value)
    return data


def test_adding_a_dataset_puts_it_under_its_pool():
    document, pending, _ = form_submit.apply_form("storage", new_dataset("photos", quota="10G", compression=""), DOC)
    assert document["storage"]["pools"]["tank"]["datasets"]["photos"] == {
        "quota": "10G", "compression": None, "nodatacow": False}
    assert pending[("storage", "pools", "tank", "datasets")].added


def test_an_invalid_new_name_is_shown_beside_the_name_field_with_its_key_path():
    document, pending, _ = form_submit.apply_form("storage", new_dataset("Bad Name"), DOC)
    errors = validate_pillar({"sigmavault": document}).errors
    root = forms.build("storage", document, errors, pending)
    name_field = by_path(root, "storage", "pools", "tank", "datasets").new.name_field
    assert name_field.value == "Bad Name"
    assert name_field.key_path == "sigmavault.storage.pools.tank.datasets['Bad Name']"
    assert "is not allowed" in name_field.errors[0]
    datasets = by_path(root, "storage", "pools", "tank", "datasets")
    assert [entry.key for entry in datasets.children] == ["media"]   # not shown twice


def test_a_taken_name_is_refused_and_the_existing_entry_stays():
    document, pending, problems = form_submit.apply_form("storage", new_dataset("media", quota="5G"), DOC)
    assert problems == [PillarError("sigmavault.storage.pools.tank.datasets.media",
                                    "already exists; choose another name")]
    tank = DOC["storage"]["pools"]["tank"]
    assert document["storage"]["pools"]["tank"]["datasets"]["media"] == tank["datasets"]["media"]
    root = forms.build("storage", document, problems, pending)
    datasets = by_path(root, "storage", "pools", "tank", "datasets")
    assert [e.key for e in datasets.children] == ["media"] and datasets.new.name_field.errors


def test_an_invalid_value_lands_beside_its_field():
    data = MultiDict([("v:" + json.dumps(["storage", "pools", "tank", "datasets", "media", "quota"]), "lots")])
    document, _, _ = form_submit.apply_form("storage", data, DOC)
    errors = validate_pillar({"sigmavault": document}).errors
    quota = by_path(forms.build("storage", document, errors), "storage", "pools", "tank", "datasets", "media", "quota")
    assert quota.value == "lots" and "powers of 1024" in quota.errors[0]


def test_an_error_inside_a_list_lands_on_the_list_field():
    data = MultiDict([("v:" + json.dumps(["storage", "pools", "tank", "devices"]), "d0, nope")])
    document, _, _ = form_submit.apply_form("storage", data, DOC)
    errors = validate_pillar({"sigmavault": document}).errors
    devices = by_path(forms.build("storage", document, errors), "storage", "pools", "tank", "devices")
    assert devices.errors == ["sigmavault.storage.pools.tank.devices[1]: no disk named 'nope' under "
                              "sigmavault.storage.disks (declared: d0)"]


def test_errors_outside_the_form_are_listed_at_its_top():
    root = forms.build("storage", DOC, [PillarError("sigmavault.system.hostname", "bad")])
    assert root.errors == ["sigmavault.system.hostname: bad"]


def test_removing_an_entry():
    data = MultiDict([("d:" + json.dumps(["storage", "pools", "tank", "datasets", "media"]), "1")])
    document, _, _ = form_submit.apply_form("storage", data, DOC)
    assert document["storage"]["pools"]["tank"]["datasets"] == {}


def test_fields_outside_the_domain_or_the_schema_are_ignored():
    data = MultiDict([("v:" + json.dumps(["system", "hostname"]), "evil"),
                      ("v:" + json.dumps(["storage", "pools", "tank", "shell"]), "rm -rf /"),
                      ("v:not json", "x"), ("d:" + json.dumps(["system"]), "1"), ("zz:[]", "1")])
    document, _, _ = form_submit.apply_form("storage", data, copy.deepcopy(DOC))
    assert document == DOC


def test_coercion_follows_the_schema_types():
    rules = {"type": "integer", "nullable": True, "allowed": [1, 5]}
    assert form_submit.coerce(rules, ["5"]) == 5 and form_submit.coerce(rules, [""]) is None
    assert form_submit.coerce(rules, ["five"]) == "five"        # left for validation to name
    assert form_submit.coerce({"type": "list"}, ["a, b  c"]) == ["a", "b", "c"]
    assert form_submit.coerce({"type": "boolean"}, ["0", "1"]) is True
    assert form_submit.coerce({"type": "boolean"}, ["0"]) is False


def test_collections_of_plain_values_get_one_value_field_for_a_new_entry():
    rules = {"type": "dict", "keysrules": {"type": "string"}, "valuesrules": {"type": "string"}}
    group = forms._new_entry(rules, ("encryption", "secrets"), "", {})
    assert [(c.kind, c.form_name) for c in group.children] == [("text", 'nv:[["encryption", "secrets"], ""]')]
    values = form_submit._new_values(MultiDict([('nv:[["encryption", "secrets"], ""]', "ENC[x]")]),
                                     ("encryption", "secrets"), rules["valuesrules"])
    assert values == {"": "ENC[x]"}
