"""Edit a pillar file's text in place, so the owner's comments and layout survive sealing.

PyYAML's composer gives every node its exact span in the text; a sealed value replaces
its scalar's span, a missing key is added as new lines under its block mapping, and the
``sigmavault_sealed`` block is cut out and written again at the end of the file.
"""

import re
from collections.abc import Iterator

import yaml

from sigmavault import pillar_text
from sigmavault.encryption.errors import SealedError
from sigmavault.encryption.values import Path, is_sealed
from sigmavault.schema.errors import key_path

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


def compose(text: str) -> yaml.Node | None:
    """The file's node graph, read by the one data-only loader (no renderer line, no Jinja, bounded)."""
    try:
        return pillar_text.compose(text, "the file")
    except pillar_text.PillarTextError as error:
        raise SealedError(str(error)) from None


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node | None, yaml.Node | None]:
    """(key node, value node) of part in a mapping, (None, item) in a sequence, (None, None) when absent."""
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key, value in node.value:
            if key.value == part:
                return key, value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None, None


def sealed_scalars(node: yaml.Node | None, path: Path = ()) -> Iterator[tuple[Path, yaml.ScalarNode]]:
    """Every scalar that holds a sealed value, with its key path, in document order."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from sealed_scalars(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from sealed_scalars(item, (*path, index))
    elif isinstance(node, yaml.ScalarNode) and node.tag.endswith(":str") and is_sealed(node.value):
        yield path, node


def replace_spans(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _line_after(text: str, index: int) -> int:
    """The start of the line after the one that holds index (index itself when it starts a line)."""
    if index == 0 or text[index - 1] == "\n":
        return index
    newline = text.find("\n", index)
    return len(text) if newline == -1 else newline + 1


def _key_text(part: str | int) -> str:
    if not isinstance(part, str):
        raise SealedError(f"cannot add list position [{part}]: add the list to the file first")
    return part if _PLAIN_KEY.match(part) else yaml.safe_dump(part, default_style="'").strip().splitlines()[0]


def _new_lines(rest: Path, scalar: str, indent: int) -> str:
    lines = [" " * (indent + 2 * depth) + _key_text(part) + ":" for depth, part in enumerate(rest)]
    return "\n".join(lines) + " " + scalar + "\n"


def set_scalar(text: str, path: Path, scalar: str) -> str:
    """text with the value at path replaced by (or added as) scalar, which is YAML text of one line."""
    node, key_column, flow = compose(text), -2, False
    for depth, part in enumerate(path):
        key, child = _child(node, part) if node is not None else (None, None)
        if child is None:
            return _add(text, node, path, depth, scalar, key_column)
        if key is not None:
            key_column = key.start_mark.column
        flow = bool(getattr(node, "flow_style", False))
        node = child
    if not isinstance(node, yaml.ScalarNode):
        raise SealedError(f"{key_path(*path)} holds a mapping or list, not a single value")
    shown = f"'{scalar}'" if flow else scalar
    start, end = node.start_mark.index, node.end_mark.index
    if start == end and text[start - 1:start] == ":":
        shown = " " + shown
    return replace_spans(text, [(start, end, shown)])


def _add(text: str, node: yaml.Node | None, path: Path, depth: int, scalar: str, key_column: int) -> str:
    rest = path[depth:]
    where = key_path(*path[:depth]) or "the top of the file"
    if node is None or (isinstance(node, yaml.ScalarNode) and node.value in ("", "null", "~")):
        if node is None:
            return text.rstrip("\n") + ("\n" if text.strip() else "") + _new_lines(rest, scalar, 0)
        start, end = node.start_mark.index, node.end_mark.index
        head = text[:start].rstrip(" ")
        return head + "\n" + _new_lines(rest, scalar, key_column + 2) + text[_line_after(text, end):]
    if not isinstance(node, yaml.MappingNode):
        raise SealedError(f"{where} is not a mapping, so {key_path(*path)} cannot be added under it")
    if node.flow_style:
        if node.value:
            raise SealedError(f"{where} is written inline ({{…}}); write it as a block mapping to add keys")
        start, end = node.start_mark.index, node.end_mark.index
        head = text[:start].rstrip(" ")
        return head + "\n" + _new_lines(rest, scalar, key_column + 2) + text[_line_after(text, end):]
    indent = node.value[0][0].start_mark.column if node.value else key_column + 2
    at = _line_after(text, _last_end(node))
    prefix = "" if at == 0 or text[at - 1] == "\n" else "\n"
    return text[:at] + prefix + _new_lines(rest, scalar, indent) + text[at:]


def _last_end(node: yaml.Node) -> int:
    """Where the last value inside node ends (a mapping's own end lies past any comments that follow it)."""
    while isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return node.end_mark.index


def cut_top_level_key(text: str, name: str) -> str:
    """text without the top-level key name and its value (comments above it stay)."""
    root = compose(text)
    if not isinstance(root, yaml.MappingNode):
        return text
    for key, value in root.value:
        if key.value == name:
            if key.start_mark.column != 0:
                raise SealedError(f"the {name} block must start at the beginning of a line")
            return text[:key.start_mark.index] + text[_line_after(text, value.end_mark.index):]
    return text
