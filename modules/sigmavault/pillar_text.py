"""Pillar text read as data, never as code: the one loader every path uses (Salt, CLI, panel, first boot).

A pillar file is YAML and nothing else. Salt would otherwise honour a first line such as ``#!py`` (Python
run as root) or ``#!jinja|yaml`` (templates that call ``salt['cmd.run']``), so such a line and any Jinja
marker are refused before the text is parsed. The YAML itself is read with bounds an attacker cannot
stretch: size, nesting depth, and the number of nodes the document holds once its aliases are expanded
(an "alias bomb" of a few hundred bytes names 10^8 leaves and would stall whoever walks it).
"""

from pathlib import Path

import yaml

from sigmavault.schema.errors import ROOT_KEY, PillarError, shown

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000   # nodes after alias expansion; the example site holds a few hundred
# Older panels wrote these first lines; they name only YAML (and the step that opened sealed values),
# so a file that starts with one is still plain data. Any other "#!" line names a renderer: refused.
LEGACY_HEADERS = ("#!yaml", "#!yaml|sigmavault_sealed")
TEMPLATE_MARKERS = ("{{", "{%", "{#")


class PillarTextError(ValueError):
    """Why a pillar text is not plain data, with the file and, where known, the line and column."""

    def __init__(self, where: str, problem: str, line: int | None = None, column: int | None = None):
        self.where, self.problem, self.line, self.column = where, problem, line, column
        at = f"line {line}, column {column}: " if line is not None and column is not None else (
            f"line {line}: " if line is not None else "")
        super().__init__(f"{where}: {at}{problem}")

    def as_error(self) -> PillarError:
        at = f"line {self.line}, column {self.column}: " if self.line is not None and self.column is not None \
            else (f"line {self.line}: " if self.line is not None else "")
        return PillarError(self.where, at + self.problem)


def check_text(text: str, where: str) -> None:
    """Refuse what makes a pillar file code (a renderer line, Jinja) or too big, before any parsing."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as error:
        raise PillarTextError(where, f"holds a character that is not text (at position {error.start}); "
                                     "save the file as UTF-8") from None
    if size > MAX_BYTES:
        raise PillarTextError(where, f"is larger than {MAX_BYTES // 1024} KiB; a pillar is a short description "
                                     "of the box: split it or remove what is not needed")
    # Salt reads a file's first line, or a string's first word, as its renderer line: check both.
    lines = text.lstrip("\ufeff").split("\n")
    number, first = next(((n, line.strip()) for n, line in enumerate(lines, start=1) if line.strip()), (1, ""))
    if first.startswith("#!") and first.replace(" ", "") not in LEGACY_HEADERS:
        raise PillarTextError(where, f"starts with a renderer line {shown(first)}; the pillar is plain YAML data, "
                                     "never a template or a program: remove that line", line=number)
    for number, line in enumerate(text.split("\n"), start=1):
        for marker in TEMPLATE_MARKERS:
            column = line.find(marker)
            if column >= 0:
                raise PillarTextError(where, f"holds the template marker {marker!r}; the pillar is plain YAML data "
                                             "(no Jinja): write the value itself, quoted if needed",
                                      line=number, column=column + 1)


# libyaml where it is installed (it is on the image): the same YAML, several times faster than pure Python.
_FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_DEEP = f"nests deeper than {MAX_DEPTH} levels; a pillar needs far fewer"


class _Refused(Exception):
    def __init__(self, problem: str, mark):
        super().__init__(problem)
        self.problem, self.mark = problem, mark


def _check_events(text: str) -> None:
    """Walk the parser's events once, before anything is built: refuse nesting past MAX_DEPTH and a document
    holding more than MAX_NODES values once its aliases are expanded (an alias counts as the whole value it
    names, at its whole depth: an alias of a deep value inside a deep value nests as deep as both together).
    The events stream, so a bomb or a line of ten thousand brackets stops at the first excess."""
    open_counts: list[int] = []
    open_heights: list[int] = []          # the deepest nesting below each open mapping or list, so far
    open_anchors: list[str | None] = []
    sizes: dict[str, int] = {}
    heights: dict[str, int] = {}          # how many levels of nesting an anchored value holds (a scalar: 0)
    total = 0

    def add(count: int, height: int, mark) -> None:
        nonlocal total
        if len(open_counts) + height > MAX_DEPTH:
            raise _Refused(_DEEP, mark)
        if open_counts:
            open_counts[-1] += count
            open_heights[-1] = max(open_heights[-1], height)
        else:
            total += count
        if total + sum(open_counts) > MAX_NODES:
            raise _Refused(f"holds more than {MAX_NODES} values, counting each alias (*name) as all the values "
                           "it repeats; a pillar needs far fewer: use fewer aliases or split the file", mark)

    for event in yaml.parse(text, Loader=_FAST):
        if isinstance(event, _OPEN):
            if len(open_counts) >= MAX_DEPTH:
                raise _Refused(_DEEP, event.start_mark)
            open_counts.append(1)
            open_heights.append(0)
            open_anchors.append(event.anchor)
        elif isinstance(event, _CLOSE):
            count, height, anchor = open_counts.pop(), open_heights.pop() + 1, open_anchors.pop()
            if anchor is not None:
                sizes[anchor], heights[anchor] = count, height
            add(count, height, event.start_mark)
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor is not None:
                sizes[event.anchor], heights[event.anchor] = 1, 0
            add(1, 0, event.start_mark)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor in open_anchors:
                raise _Refused("an alias refers to the mapping or list that holds it (a cycle)", event.start_mark)
            add(sizes.get(event.anchor, 1), heights.get(event.anchor, 0), event.start_mark)


def _error(where: str, problem: str, mark) -> PillarTextError:
    if mark is None:
        return PillarTextError(where, problem)
    return PillarTextError(where, problem, line=mark.line + 1, column=mark.column + 1)


def _read(text: str, where: str, build):
    """build(text) once the text is checked and its events are within bounds; every error names where."""
    check_text(text, where)
    try:
        _check_events(text)
        return build(text)
    except _Refused as refused:
        raise _error(where, refused.problem, refused.mark) from None
    except yaml.MarkedYAMLError as error:
        problem = f"is not valid YAML: {error.problem or error.context or 'cannot be read'}"
        raise _error(where, problem, error.problem_mark or error.context_mark) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        raise PillarTextError(where, f"holds the control character #x{error.character:04x}, which YAML does not "
                                     "allow: remove it", line=line, column=column) from None
    except (yaml.YAMLError, TypeError) as error:   # TypeError: an unhashable key such as a list
        raise PillarTextError(where, f"is not valid YAML: {str(error)[:200]}") from None
    except RecursionError:   # a defence in depth: MAX_DEPTH keeps every walk far from the limit
        raise PillarTextError(where, _DEEP) from None


def compose(text: str, where: str) -> yaml.Node | None:
    """The checked text as a YAML node graph with exact spans (for editing text in place); None when empty."""
    return _read(text, where, lambda checked: yaml.compose(checked, Loader=yaml.SafeLoader))


def load(text: str, where: str) -> object:
    """The checked text as plain Python data (dict, list, str, int, float, bool, None, date)."""
    return _read(text, where, lambda checked: yaml.load(checked, Loader=_FAST))


def load_mapping(text: str, where: str) -> dict:
    """The checked text as a mapping ({} when the file is empty)."""
    document = load(text, where)
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise PillarTextError(where, f"must be a mapping with the key {ROOT_KEY}, not a {type(document).__name__}")
    return document


def read_file(path: Path, where: str | None = None) -> dict:
    """A pillar file from disk as a mapping; every problem names the file."""
    where = where or str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise PillarTextError(where, f"cannot be read: {error.strerror or error}") from None
    if len(raw) > MAX_BYTES:
        raise PillarTextError(where, f"is larger than {MAX_BYTES // 1024} KiB; a pillar is a short description "
                                     "of the box: split it or remove what is not needed")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PillarTextError(where, f"is not UTF-8 text (byte {error.start})") from None
    return load_mapping(text, where)



def check_depth(value: object, where: str) -> None:
    """Refuse data (a JSON body, a form's document) nested deeper than a pillar may be, before it is dumped
    or validated: both walk it recursively. Iterative, so the check itself cannot overflow."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise PillarTextError(where, f"nests deeper than {MAX_DEPTH} levels; a pillar needs far fewer")
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
