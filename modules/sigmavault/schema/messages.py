"""Turn cerberus errors into PillarErrors that say what is allowed, in words a NAS owner reads."""

from collections.abc import Iterator

from cerberus import errors as cerberus_errors

from sigmavault.schema.errors import PillarError, key_path, shown
from sigmavault.schema.loader import rules_at

_TYPE_WORDS = {"dict": "a mapping of keys", "list": "a list", "string": "a string",
               "integer": "a whole number", "boolean": "true or false"}


def _shown(value: object) -> str:
    text = shown(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _is_secret(schema: dict, path: tuple) -> bool:
    """A key marked meta.secret (a password) never has its value repeated in a message."""
    rules = rules_at(schema, path) or {}
    return bool(rules.get("meta", {}).get("secret"))


def _hint(schema: dict, path: tuple) -> str:
    rules = rules_at(schema, path) or {}
    return rules.get("meta", {}).get("pattern_hint", "see the schema")


def _known_keys(schema: dict, path: tuple) -> list[str]:
    parent = rules_at(schema, path[:-1]) or {}
    return sorted(parent.get("schema", {})) if parent.get("type") == "dict" else []


def _leaf_message(error, schema: dict, in_key: bool) -> str:
    path = error.document_path
    value = "(a secret, not shown)" if not in_key and _is_secret(schema, path) else _shown(error.value)
    if error.code == cerberus_errors.UNKNOWN_FIELD.code:
        known = _known_keys(schema, path)
        return "is not a known key here; known keys: " + (", ".join(known) if known else "none yet")
    if error.rule == "required":
        return "is required"
    if error.rule == "type":
        return f"must be {_TYPE_WORDS.get(error.constraint, error.constraint)}, not {value}"
    if error.rule == "allowed":
        allowed = ", ".join(str(choice) for choice in error.constraint)
        return f"must be one of: {allowed} (got {value})"
    if error.rule == "regex":
        what = "the name" if in_key else "the value"
        hint = _hint(schema, path[:-1] + ("<key>",)) if in_key else _hint(schema, path)
        return f"{what} {value} is not allowed: use {hint}"
    if error.rule == "minlength":
        return f"needs at least {error.constraint} item(s)"
    if error.rule == "nullable":
        return "must not be null"
    return str(cerberus_errors.BasicErrorHandler().messages.get(error.code, error.rule))


def _keyrule_hint(schema: dict, path: tuple) -> str:
    parent = rules_at(schema, path[:-1]) or {}
    return parent.get("keysrules", {}).get("meta", {}).get("pattern_hint", "see the schema")


def to_pillar_errors(error_list, schema: dict, in_key: bool = False) -> Iterator[PillarError]:
    for error in error_list:
        if error.is_group_error:
            yield from to_pillar_errors(error.child_errors, schema, in_key or error.rule == "keysrules")
            continue
        if in_key and error.rule == "regex":
            message = f"the name {_shown(error.value)} is not allowed: use {_keyrule_hint(schema, error.document_path)}"
        else:
            message = _leaf_message(error, schema, in_key)
        yield PillarError(key_path(*error.document_path), message)
