"""The one loader of JSON records: damage is a RecordDamaged naming the file, the problem and the remedy."""

import pytest

from sigmavault.records import RecordDamaged, read_json, write_json

REMEDY = "remove it and apply again"


def _damage(path, kind=list, **kwargs) -> str:
    with pytest.raises(RecordDamaged) as raised:
        read_json(path, kind, REMEDY, **kwargs)
    assert str(raised.value).startswith(f"{path}: ") and str(raised.value).endswith(REMEDY)
    return str(raised.value)


def test_a_written_record_reads_back(tmp_path):
    write_json(tmp_path / "r.json", ["a", "b"])
    assert read_json(tmp_path / "r.json", list, REMEDY, each=str) == ["a", "b"]
    assert (tmp_path / "r.json").stat().st_mode & 0o777 == 0o600


def test_missing_record_gives_the_default_or_is_damage_without_one(tmp_path):
    assert read_json(tmp_path / "none.json", list, REMEDY, default=[]) == []
    assert "is missing" in _damage(tmp_path / "none.json")


@pytest.mark.parametrize(("text", "problem"), [
    ('["alice", "bo', "is not valid JSON (line 1, column 11); it may have been cut short"),
    ("", "is empty"),
    ('{"alice": true}', "holds a mapping (JSON object) where a list belongs"),
    ('["alice", 3]', "holds a number where each entry is a string"),
])
def test_damaged_record_says_what_is_wrong(tmp_path, text, problem):
    path = tmp_path / "r.json"
    path.write_text(text)
    assert problem in _damage(path, each=str)


def test_mapping_entries_are_checked_too(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"a": {}, "b": []}')
    assert "holds a list where each entry is a mapping" in _damage(path, dict, each=dict)


def test_folder_and_binary_in_place_of_a_record(tmp_path):
    (tmp_path / "dir.json").mkdir()
    assert "is a folder where a file belongs" in _damage(tmp_path / "dir.json")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00")
    assert "is not text" in _damage(tmp_path / "bin.json")
