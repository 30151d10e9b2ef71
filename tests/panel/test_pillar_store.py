"""The pillar file: validated before it is written, written whole, one git version per write, guarded by ETag."""

import subprocess

import pytest
import yaml

from sigmavault_panel.services.pillar_store import NotEditable, PillarConflict, PillarRefused, PillarStore
from sigmavault_panel.services.pillar_text import COMMENT, etag_of
from tests.panel.conftest import PILLAR


@pytest.fixture
def store(site, tmp_path) -> PillarStore:
    return PillarStore(site.pillar_dir, tmp_path / "lock")


def git_log(directory) -> list[str]:
    return subprocess.run(["git", "-C", str(directory), "log", "--format=%an|%s"], capture_output=True, text=True,
                          check=True).stdout.splitlines()


def with_dataset(name: str) -> dict:
    document = yaml.safe_load(yaml.safe_dump(PILLAR["sigmavault"]))
    document["storage"]["pools"]["tank"]["datasets"][name] = {"quota": "1G"}
    return document


def test_read_gives_the_document_and_an_etag_of_the_exact_text(store):
    snapshot = store.read()
    assert snapshot.sigmavault["storage"]["pools"]["tank"]["devices"] == ["d0"]
    assert snapshot.etag == etag_of(snapshot.text) and snapshot.problem is None


def test_first_write_starts_the_history_with_the_pillar_as_found_then_the_edit(store, site):
    saved = store.save_document(with_dataset("photos"), store.read().etag, "alice", "Add photos")
    assert git_log(site.pillar_dir) == ["alice|Add photos", "SigmaVault panel|Pillar as the panel first found it"]
    assert saved.sigmavault["storage"]["pools"]["tank"]["datasets"]["photos"] == {"quota": "1G"}
    assert saved.text.startswith(COMMENT) and saved.version == store.history.head()


def test_write_with_a_stale_etag_is_a_conflict_and_writes_nothing(store, site):
    stale = store.read().etag
    store.save_document(with_dataset("photos"), stale, "alice", "first")
    text = store.path.read_text()
    with pytest.raises(PillarConflict) as conflict:
        store.save_document(with_dataset("music"), stale, "bob", "second")
    assert conflict.value.current.etag == etag_of(text)
    assert store.path.read_text() == text and len(git_log(site.pillar_dir)) == 2


def test_invalid_pillar_is_refused_with_key_paths_and_nothing_is_written(store, site):
    before = store.path.read_text()
    with pytest.raises(PillarRefused) as refused:
        store.save_document(with_dataset("Bad Name"), store.read().etag, "alice", "bad")
    assert [e.path for e in refused.value.errors] == ["sigmavault.storage.pools.tank.datasets['Bad Name']"]
    assert store.path.read_text() == before and not (site.pillar_dir / ".git").exists()


@pytest.mark.parametrize("text, words", [
    ("sigmavault: [unclosed\n", "line 2, column 1: is not valid YAML"),
    ("sigmavault:\n  system: {hostname: '{{ salt.cmd.run(\"id\") }}'}\n", "template marker '{{'"),
    ("{% set x = 1 %}\nsigmavault: {}\n", "template marker '{%'"),
    ("#!py\nsigmavault: {}\n", "renderer line '#!py'"),
    ("- a list\n", "must be a mapping"),
])
def test_text_that_is_not_plain_yaml_mapping_is_refused(store, text, words):
    with pytest.raises(PillarRefused) as refused:
        store.save_text(text, store.read().etag, "alice", "x")
    assert words in refused.value.errors[0].message


def test_top_level_keys_outside_sigmavault_are_refused_by_name_and_nothing_is_saved(store):
    before = store.read()
    with pytest.raises(PillarRefused) as refused:
        store.save_text(yaml.safe_dump({**PILLAR, "other_team": {"x": 1}}), before.etag, "alice", "add other")
    assert [str(error) for error in refused.value.errors] == [
        "other_team: is not a SigmaVault key: everything the box is goes under sigmavault: "
        "(move it there or delete it)"]
    assert store.read().text == before.text


def test_changes_made_by_hand_are_kept_as_their_own_version(store, site):
    store.save_document(with_dataset("photos"), store.read().etag, "alice", "Add photos")
    store.path.write_text(store.path.read_text().replace("1G", "2G"))
    store.save_document(with_dataset("music"), store.read().etag, "alice", "Add music")
    assert [line.split("|")[1] for line in git_log(site.pillar_dir)][:2] == [
        "Add music", "Changes made outside the panel"]


def test_restore_writes_an_old_version_as_a_new_one(store, site):
    first = store.read()
    store.save_document(with_dataset("photos"), first.etag, "alice", "Add photos")
    versions = store.versions()
    restored = store.restore(versions[1].id, "bob")
    assert "photos" not in restored.sigmavault["storage"]["pools"]["tank"]["datasets"]
    assert git_log(site.pillar_dir)[0].startswith("bob|Roll back to " + versions[1].id[:10])


def test_author_names_cannot_forge_git_identity(store, site):
    store.save_document(with_dataset("photos"), store.read().etag, "eve <root@x>\nSigned-off-by: x", "m\nline")
    assert git_log(site.pillar_dir)[0] == "eve _root_x__Signed-off-by: x|m line"


def test_pillar_inside_another_git_repository_is_read_only(tmp_path):
    outer = tmp_path / "checkout"
    (outer / "pillar").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(outer)], check=True)
    (outer / "pillar" / "sigmavault.sls").write_text(yaml.safe_dump(PILLAR))
    store = PillarStore(outer / "pillar", tmp_path / "lock")
    assert "inside the git repository" in store.read_only_reason
    with pytest.raises(NotEditable):
        store.save_document(with_dataset("photos"), store.read().etag, "alice", "x")
    assert not (outer / "pillar" / ".git").exists()


def test_the_file_keeps_its_permissions(store):
    store.path.chmod(0o600)
    store.save_document(with_dataset("photos"), store.read().etag, "alice", "x")
    assert store.path.stat().st_mode & 0o777 == 0o600


def test_the_pillar_file_is_found_by_its_sigmavault_key_when_not_named_sigmavault_sls(tmp_path):
    (tmp_path / "top.sls").write_text("base:\n  '*':\n    - site\n")
    (tmp_path / "site.sls").write_text(yaml.safe_dump(PILLAR))
    assert PillarStore(tmp_path, tmp_path / "lock").filename == "site.sls"


def test_written_files_are_plain_yaml_without_a_renderer_line(store):
    saved = store.save_document(with_dataset("photos"), store.read().etag, "alice", "x")
    assert not any(line.startswith("#!") for line in saved.text.splitlines())
