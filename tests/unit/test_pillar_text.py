"""Pillar text is read as data, never as code, and within bounds an attacker cannot stretch."""

import re

import pytest
import yaml

from sigmavault import pillar_files, tree
from sigmavault.pillar_text import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    PillarTextError,
    compose,
    load,
    load_mapping,
    read_file,
)

POLYGLOT_PY = (  # valid YAML (one mapping) and valid Python whose run() would make a marker file
    "#!py\n"
    "sigmavault: {}\n"
    "def run():\n"
    "    open('MARKER', 'w').close()\n"
    "    return {}\n")
HOSTILE = {
    "py": POLYGLOT_PY,
    "jinja": "#!jinja|yaml\nsigmavault:\n  system:\n    hostname: {{ salt['cmd.run']('touch MARKER') }}\n",
    "mako": "#!mako|yaml\n<% import os; os.system('touch MARKER') %>\nsigmavault: {}\n",
    "pyobjects": "#!pyobjects\nFile.managed('MARKER')\n",
    "jinja without a renderer line": "sigmavault:\n  system:\n    hostname: {{ salt['cmd.run']('id') }}\n",
    "a jinja statement": "{% set x = salt['cmd.run']('id') %}\nsigmavault: {}\n",
    "a jinja comment": "sigmavault: {} {# hidden #}\n",
    "a renderer line after blank lines": "\n\n#!py\nsigmavault: {}\n",
}
# 7 lists of 10 aliases over a list of 10: 10^8 leaves once expanded, in a few hundred bytes.
ALIAS_BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
    for prev, name in zip("abcdefg", "bcdefgh", strict=True))


@pytest.mark.parametrize("kind", HOSTILE)
def test_code_is_refused_naming_the_file(kind):
    with pytest.raises(PillarTextError) as refused:
        load(HOSTILE[kind], "site.sls")
    assert str(refused.value).startswith("site.sls: line ")
    assert "plain YAML data" in str(refused.value)


@pytest.mark.parametrize("header", ["#!yaml", "#!yaml|sigmavault_sealed", "#!yaml | sigmavault_sealed"])
def test_the_data_only_headers_older_panels_wrote_are_accepted(header):
    assert load_mapping(f"{header}\nsigmavault: {{}}\n", "site.sls") == {"sigmavault": {}}


def test_a_comment_that_is_not_a_renderer_line_is_fine():
    assert load_mapping("# !py is not a renderer line\nsigmavault: {a: 1}\n", "s.sls") == {"sigmavault": {"a": 1}}


def test_an_alias_bomb_is_refused_without_being_expanded():
    assert len(ALIAS_BOMB) < 500
    with pytest.raises(PillarTextError, match=rf"site\.sls: line \d+, column \d+: holds more than {MAX_NODES}") \
            as refused:
        load(ALIAS_BOMB, "site.sls")
    # Refused at the alias that crossed the bound, while reading, not after building the document.
    assert refused.value.line < ALIAS_BOMB.count("\n")


def test_a_document_with_too_many_values_is_refused():
    text = "sigmavault:\n" + "".join(f"  k{i}: v{i}\n" for i in range(MAX_NODES // 2 + 1))
    with pytest.raises(PillarTextError, match="holds more than"):
        load(text, "s.sls")


def test_a_few_aliases_are_fine():
    text = "base: &base {a: 1, b: [1, 2]}\nsigmavault: {one: *base, two: *base}\n"
    assert load_mapping(text, "s.sls")["sigmavault"]["two"] == {"a": 1, "b": [1, 2]}


def test_an_alias_cycle_is_refused():
    with pytest.raises(PillarTextError, match="cycle"):
        load("a: &a [1, *a]\n", "s.sls")


@pytest.mark.parametrize("text", ["[" * 1000 + "]" * 1000, "a: " + "{b: " * 500 + "1" + "}" * 500,
                                  "".join("  " * i + f"k{i}:\n" for i in range(400)) + "  " * 400 + "end: 1\n"])
def test_deep_nesting_is_refused_with_a_message_not_a_recursion_error(text):
    with pytest.raises(PillarTextError, match=rf"s\.sls: line \d+, column \d+: nests deeper than {MAX_DEPTH}"):
        load(text, "s.sls")


def test_nesting_within_the_bound_is_read():
    text = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert load(text, "s.sls") is not None


def _chained_anchors(links: int, levels: int) -> str:
    """Each anchor holds `levels` lists and, innermost, an alias of the one before: short text, deep data."""
    lines = ["a0: &a0 " + "[" * levels + "1" + "]" * levels]
    lines += [f"a{n}: &a{n} " + "[" * levels + f"*a{n - 1}" + "]" * levels for n in range(1, links)]
    return "\n".join(lines) + "\n"


def test_aliases_cannot_nest_deeper_than_the_bound_by_chaining_anchors():
    text = _chained_anchors(links=25, levels=60)
    assert len(text) < 4000
    with pytest.raises(PillarTextError, match=rf"line 2, column \d+: nests deeper than {MAX_DEPTH}"):
        load(text, "s.sls")


def test_an_alias_of_a_shallow_value_deep_inside_the_bound_is_read():
    half = MAX_DEPTH // 2
    text = _chained_anchors(links=2, levels=half - 1)
    assert load(text, "s.sls")["a1"] is not None


def test_a_text_too_large_is_refused_before_it_is_parsed():
    with pytest.raises(PillarTextError, match="larger than"):
        load("a: " + "x" * MAX_BYTES, "s.sls")


def test_yaml_errors_name_the_file_line_and_column():
    with pytest.raises(PillarTextError, match=r"^site\.sls: line 3, column 1: is not valid YAML"):
        load("sigmavault:\n  a: [1,\n", "site.sls")


def test_unsafe_tags_are_refused():
    with pytest.raises(PillarTextError, match=r"s\.sls: line 1, column 4: is not valid YAML"):
        load("a: !!python/object/apply:os.system ['touch MARKER']\n", "s.sls")


def test_a_long_hostile_line_is_shown_bounded():
    with pytest.raises(PillarTextError) as refused:
        load("#!py " + "x" * 10_000 + "\n", "s.sls")
    assert len(str(refused.value)) < 300


def test_a_file_that_is_not_a_mapping_is_refused():
    with pytest.raises(PillarTextError, match="must be a mapping with the key sigmavault, not a list"):
        load_mapping("- 1\n", "s.sls")


def test_an_empty_file_is_an_empty_mapping():
    assert load_mapping("# nothing yet\n", "s.sls") == {}


def test_compose_keeps_spans_for_editing_in_place():
    node = compose("a: 1\n", "s.sls")
    assert isinstance(node, yaml.MappingNode) and node.value[0][1].start_mark.index == 3


def test_read_file_refuses_bytes_that_are_not_utf8(tmp_path):
    path = tmp_path / "site.sls"
    path.write_bytes(b"a: \xff\n")
    with pytest.raises(PillarTextError, match=rf"^{path}: is not UTF-8"):
        read_file(path)


def _pillar_dir(tmp_path, top: str, **files: str):
    (tmp_path / "top.sls").write_text(top)
    for name, text in files.items():
        (tmp_path / f"{name}.sls").write_text(text)
    return tmp_path


def test_top_names_the_files_merged_in_order(tmp_path):
    directory = _pillar_dir(tmp_path, "base:\n  '*': [site, extra]\n  'other-*': [never]\n",
                            site="sigmavault: {system: {hostname: a, timezone: UTC}}\n",
                            extra="sigmavault: {system: {hostname: b}}\n", never="#!py\n")
    assert pillar_files.read(directory, "box") == {"sigmavault": {"system": {"hostname": "b", "timezone": "UTC"}}}


def test_a_hostile_file_named_by_top_is_refused_naming_it(tmp_path):
    directory = _pillar_dir(tmp_path, "base:\n  '*': [site]\n", site=POLYGLOT_PY)
    with pytest.raises(PillarTextError, match=rf"^{directory}/site\.sls: line 1: starts with a renderer line"):
        pillar_files.read(directory, "box")


def test_a_hostile_top_file_is_refused(tmp_path):
    directory = _pillar_dir(tmp_path, "#!py\ndef run():\n    return {}\n")
    with pytest.raises(PillarTextError, match=r"top\.sls: line 1: starts with a renderer line"):
        pillar_files.read(directory, "box")


@pytest.mark.parametrize("name", ["../etc/passwd", "/etc/passwd", "a/b"])
def test_top_cannot_name_a_file_outside_the_pillar_folder(tmp_path, name):
    directory = _pillar_dir(tmp_path, yaml.safe_dump({"base": {"*": [name]}}))
    with pytest.raises(PillarTextError, match="names the file"):
        pillar_files.read(directory, "box")


def test_a_missing_top_or_file_is_named(tmp_path):
    with pytest.raises(PillarTextError, match=r"top\.sls: is missing"):
        pillar_files.read(tmp_path, "box")
    _pillar_dir(tmp_path, "base:\n  '*': [nowhere]\n")
    with pytest.raises(PillarTextError, match="neither nowhere.sls nor nowhere/init.sls"):
        pillar_files.read(tmp_path, "box")


def test_folders_are_named_with_dots(tmp_path):
    (tmp_path / "boxes").mkdir()
    (tmp_path / "boxes" / "nas1.sls").write_text("sigmavault: {a: 1}\n")
    _pillar_dir(tmp_path, "base:\n  nas1: [boxes.nas1]\n")
    assert pillar_files.read(tmp_path, "nas1") == {"sigmavault": {"a": 1}}


def test_the_example_pillar_folder_is_data():
    assert pillar_files.folder_problems(tree.example_pillar_dir()) == []


def test_a_folder_check_reads_the_files_in_its_folders_too(tmp_path):
    directory = _pillar_dir(tmp_path, "base:\n  '*': [site]\n", site="sigmavault: {}\n")
    (directory / "boxes").mkdir()
    (directory / "boxes" / "nas1.sls").write_text(POLYGLOT_PY)
    [problem] = pillar_files.folder_problems(directory)
    assert problem.startswith(f"{directory}/boxes/nas1.sls: line 1: starts with a renderer line")


def test_a_folder_check_names_each_file_that_is_code(tmp_path):
    directory = _pillar_dir(tmp_path, "base:\n  '*': [site]\n", site=POLYGLOT_PY, other="a: {{ x }}\n")
    problems = pillar_files.folder_problems(directory)
    assert [p.split(":")[0] for p in problems] == [f"{directory}/other.sls", f"{directory}/site.sls"]


@pytest.mark.parametrize("text, says", [("a: \udc80\n", "not text (at position 3)"),
                                        ("a: 1\nb: \x10\n", "line 2, column 4: holds the control character #x0010")])
def test_text_that_is_not_yaml_characters_is_refused_with_a_message(text, says):
    with pytest.raises(PillarTextError, match=re.escape(says)):
        load(text, "s.sls")


def test_a_file_cannot_forge_or_hide_salts_report_of_render_errors(tmp_path):
    directory = _pillar_dir(tmp_path, "base:\n  '*': [site]\n", site="_errors: []\nsigmavault: {}\n")
    with pytest.raises(PillarTextError, match=r"site\.sls: holds the top-level key _errors"):
        pillar_files.read(directory, "box")
