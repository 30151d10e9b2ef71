"""Forms generated from the one schema: a tree of groups, named collections and fields (form_submit reads them back).

A field's name encodes its document path as JSON, so any key the schema allows round-trips exactly:
  v:<path>            the value at path             d:<path>       remove the entry at path
  nn:<collection>     name of a new entry           nv:[<collection>, <subpath>]   a value of the new entry
"""

import copy
import json
from dataclasses import dataclass, field

from sigmavault.schema import PillarError, key_path
from sigmavault.schema.errors import ROOT_KEY
from sigmavault.schema.loader import load_schema, rules_at


def kind_of(rules: dict) -> str:
    if rules.get("type") == "dict":
        return "collection" if "valuesrules" in rules else "group"
    if rules.get("type") == "boolean":
        return "checkbox"
    if "allowed" in rules:
        return "select"
    if rules.get("type") == "integer":
        return "number"
    if rules.get("type") == "list":
        return "list"
    return "text"


@dataclass
class Node:
    path: tuple                 # document path below sigmavault, domain first
    rules: dict
    kind: str                   # group | collection | new | text | number | select | checkbox | list
    value: object = None
    children: list = field(default_factory=list)   # group: fields and groups; collection: its entries
    new: "Node | None" = None                      # collection: the group that adds an entry
    name_field: "Node | None" = None               # new-entry group: the field for the new name
    errors: list[str] = field(default_factory=list)
    form_name: str = ""
    key_path_parts: tuple = ()  # the key path errors use, when it differs from path (new entries)

    def __post_init__(self):
        self.form_name = self.form_name or "v:" + json.dumps(list(self.path))

    @property
    def key(self) -> str:
        return str(self.path[-1]) if self.path else ""

    @property
    def key_path(self) -> str:
        return key_path(ROOT_KEY, *(self.key_path_parts or self.path))

    @property
    def remove_name(self) -> str:
        return "d:" + json.dumps(list(self.path))

    @property
    def meta(self) -> dict:
        return self.rules.get("meta", {})

    @property
    def description(self) -> str:
        return self.meta.get("description", "")

    @property
    def hint(self) -> str:
        hint = self.meta.get("pattern_hint") or self.rules.get("schema", {}).get("meta", {}).get("pattern_hint")
        return hint or ""

    @property
    def choices(self) -> list[tuple[str, str]]:
        choices = [(str(c), str(c)) for c in self.rules.get("allowed", [])]
        return ([("", "(not set)")] if self.rules.get("nullable") else []) + choices

    @property
    def text(self) -> str:
        if self.value is None:
            return ""
        if isinstance(self.value, list):
            return ", ".join(map(str, self.value))
        return str(self.value)


@dataclass
class Pending:
    """A new entry typed into a collection's 'add' group, kept for showing the form again."""
    name: str
    values: dict
    added: bool = False     # False when the name was taken: the existing entry stays on display


def _default(rules: dict) -> object:
    return copy.deepcopy(rules.get("default"))


def build(domain: str, document: dict, errors: list[PillarError] = (), pending: dict | None = None) -> Node:
    """The form of one domain for document (the sigmavault mapping), errors placed beside their fields."""
    pending = pending or {}
    rules = rules_at(load_schema(), (ROOT_KEY, domain))
    root = _node(rules, document.get(domain, {}), (domain,), pending)
    unplaced = [e for e in errors if not _place(root, e)]
    root.errors.extend(f"{e.path}: {e.message}" for e in unplaced)
    return root


def _node(rules: dict, value, path: tuple, pending: dict) -> Node:
    kind = kind_of(rules)
    node = Node(path, rules, kind)
    value = _default(rules) if value is None and kind in ("group", "collection") else value
    if kind == "group":
        value = value if isinstance(value, dict) else {}
        node.children = [_node(sub, value.get(key, _default(sub)), path + (key,), pending)
                         for key, sub in rules.get("schema", {}).items()]
    elif kind == "collection":
        value = value if isinstance(value, dict) else {}
        new = pending.get(path, Pending("", {}))
        node.children = [_node(rules["valuesrules"], entry, path + (name,), pending)
                         for name, entry in value.items() if not (new.added and name == new.name)]
        node.new = _new_entry(rules, path, new.name, new.values)
    else:
        node.value = value
    return node


def _new_entry(rules: dict, path: tuple, name: str, values: dict) -> Node:
    """The 'add' group of a collection: a name and the entry's plain fields (nested collections come later)."""
    entry_rules = rules["valuesrules"]
    entry_path = path + (name or "<new>",)
    group = Node(path, entry_rules, "new", form_name="-", key_path_parts=entry_path)
    group.name_field = Node(path, rules.get("keysrules", {}), "text", name, form_name="nn:" + json.dumps(list(path)),
                            key_path_parts=entry_path)
    if kind_of(entry_rules) not in ("group", "collection"):   # entries are plain values: one field, key ""
        group.children.append(Node(path + ("value",), entry_rules, kind_of(entry_rules), values.get(""),
                                   form_name=new_field_name(path, ""), key_path_parts=entry_path))
        return group
    for key, sub in entry_rules.get("schema", {}).items():
        if kind_of(sub) in ("collection", "group"):
            continue
        child = Node(path + (key,), sub, kind_of(sub), values.get(key, _default(sub)),
                     form_name=new_field_name(path, key), key_path_parts=entry_path + (key,))
        group.children.append(child)
    return group


def _nodes(node: Node):
    yield node
    if node.name_field:
        yield node.name_field
    for child in node.children:
        yield from _nodes(child)
    if node.new:
        yield from _nodes(node.new)


def _within(error_path: str, node_path: str) -> bool:
    return error_path == node_path or error_path.startswith(node_path) and error_path[len(node_path)] in ".["


def _place(root: Node, error: PillarError) -> bool:
    """Attach error to the deepest node whose key path contains it; False if it is outside this form."""
    candidates = [n for n in _nodes(root) if n.kind != "new" and _within(error.path, n.key_path)]
    if not candidates:
        return False
    # Deepest wins; on a tie (a new entry named like an existing one) the new entry's name field does.
    best = max(candidates, key=lambda n: (len(n.key_path), n.form_name.startswith("nn:")))
    best.errors.append(error.message if error.path == best.key_path else f"{error.path}: {error.message}")
    return True


def new_field_name(collection: tuple, key: str) -> str:
    return "nv:" + json.dumps([list(collection), key])
