"""Submitted form fields back into the pillar document (the field names are described in forms.py)."""

import copy
import json
import re

from sigmavault.pillar_text import MAX_DEPTH, shown
from sigmavault.schema import PillarError, key_path
from sigmavault.schema.errors import ROOT_KEY
from sigmavault.schema.loader import load_schema, rules_at
from sigmavault_panel.services.forms import Pending, kind_of, new_field_name


def coerce(rules: dict, raw: list[str]) -> object:
    kind = kind_of(rules)
    if kind == "checkbox":
        return any(v in ("1", "on", "true") for v in raw)
    text = raw[-1].strip() if raw else ""
    if kind == "list":
        return [item for item in re.split(r"[,\s]+", text) if item]
    if text == "" and rules.get("nullable"):
        return None
    if rules.get("type") == "integer":
        try:
            return int(text)
        except ValueError:
            return text   # validation names the key and what is allowed
    return text


def _set(document: dict, path: tuple, value) -> None:
    for key in path[:-1]:
        child = document.get(key)
        if not isinstance(child, dict):
            child = document[key] = {}
        document = child
    document[path[-1]] = value


def _get(document: dict, path: tuple):
    for key in path:
        if not isinstance(document, dict):
            return None
        document = document.get(key)
    return document


class _FieldTooDeep(ValueError):
    pass


def _fields(form, domain: str, prefix: str):
    """(form name, document path) of the fields with this prefix that lie in domain."""
    for name in form:
        kind, _, encoded = name.partition(":")
        if kind != prefix:
            continue
        try:
            path = tuple(json.loads(encoded))
        except RecursionError:   # a name such as v:[[[[…]]]] nested past what the decoder can follow
            raise _FieldTooDeep(name) from None
        except (ValueError, TypeError):
            continue
        if len(path) > MAX_DEPTH:
            raise _FieldTooDeep(name)
        if path and path[0] == domain and all(isinstance(p, str) for p in path):
            yield name, path


def apply_form(domain: str, form, document: dict) -> tuple[dict, dict[tuple, Pending], list[PillarError]]:
    """(the sigmavault mapping with the form applied, new entries by collection path, problems)."""
    try:
        return _applied(domain, form, document)
    except _FieldTooDeep as refused:
        return document, {}, [PillarError("form", f"the field name {shown(str(refused))} nests deeper than "
                                                  f"{MAX_DEPTH} levels; reload the form and submit it again")]


def _applied(domain: str, form, document: dict) -> tuple[dict, dict[tuple, Pending], list[PillarError]]:
    schema, result, problems, pending = load_schema(), copy.deepcopy(document), [], {}
    for name, path in _fields(form, domain, "v"):
        rules = rules_at(schema, (ROOT_KEY, *path))
        if rules is not None and kind_of(rules) not in ("group", "collection"):
            _set(result, path, coerce(rules, form.getlist(name)))
    for name, path in _fields(form, domain, "d"):
        parent = _get(result, path[:-1])
        if form.get(name) in ("1", "on") and isinstance(parent, dict):
            parent.pop(path[-1], None)
    for name, path in _fields(form, domain, "nn"):
        rules = rules_at(schema, (ROOT_KEY, *path))
        new_name = form.get(name, "").strip()
        if not new_name or rules is None or kind_of(rules) != "collection":
            continue
        new = pending[path] = Pending(new_name, _new_values(form, path, rules["valuesrules"]))
        collection = _get(result, path)
        if isinstance(collection, dict) and new_name in collection:
            problems.append(PillarError(key_path(ROOT_KEY, *path, new_name), "already exists; choose another name"))
            continue
        _set(result, path + (new_name,), new.values[""] if "" in new.values else dict(new.values))
        new.added = True
    return result, pending, problems


def _new_values(form, collection: tuple, entry_rules: dict) -> dict:
    """The new entry's fields by key; the key "" holds the whole value when entries are plain values."""
    if kind_of(entry_rules) not in ("group", "collection"):
        return {"": coerce(entry_rules, form.getlist(new_field_name(collection, "")))}
    values = {}
    for key, sub in entry_rules.get("schema", {}).items():
        name = new_field_name(collection, key)
        if name in form or kind_of(sub) == "checkbox":
            values[key] = coerce(sub, form.getlist(name))
    return values
