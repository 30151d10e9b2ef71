"""The verdict joins the schema, every domain's cross-key rules and the box, in that order."""

import ast
from pathlib import Path

from sigmavault.site import Site
from sigmavault.verdict import judge, validate_pillar
from tests.unit.builders import pillar

LIBRARY = Path(__file__).resolve().parents[2] / "modules" / "sigmavault"


def _site(tmp_path: Path) -> Site:
    (tmp_path / "pillar").mkdir(exist_ok=True)
    return Site(tmp_path / "pillar", tmp_path / "state", fstab=tmp_path / "fstab", etc=tmp_path / "etc")


def test_every_domains_cross_key_rules_are_part_of_the_verdict():
    domains = sorted(p.parent.name for p in LIBRARY.glob("*/pillar_rules.py"))
    tree = ast.parse((LIBRARY / "verdict.py").read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert domains and [d for d in domains if f"sigmavault.{d}.pillar_rules" not in imported] == []


def test_the_box_is_not_asked_about_a_pillar_that_is_refused_on_its_own(tmp_path):
    document = pillar(pools={"tank": {"devices": ["disk_z"], "mountpoint": "/srv/tank"}},
                      system={"timezone": "Europe/Nowhere_Town"})
    paths = [error.path for error in judge(document, _site(tmp_path)).errors]
    assert paths == ["sigmavault.storage.pools.tank.devices[0]"]


def test_the_box_judges_what_the_pillar_alone_cannot(tmp_path):
    document = {"sigmavault": {"system": {"timezone": "Europe/Nowhere_Town"}}}
    assert validate_pillar(document).ok
    [error] = judge(document, _site(tmp_path)).errors
    assert error.path == "sigmavault.system.timezone"
    assert judge(document, _site(tmp_path), environment=False) == validate_pillar(document)


def test_a_plain_password_in_a_file_others_can_read_is_refused_by_the_box_part(tmp_path):
    site = _site(tmp_path)
    exposed = site.pillar_dir / "users.sls"
    exposed.write_text("sigmavault:\n  users:\n    accounts:\n      alice:\n        smb_password: hunter2\n")
    exposed.chmod(0o644)
    [error] = judge({"sigmavault": {}}, site).errors
    assert str(exposed) in error.message and "hunter2" not in error.message
    exposed.chmod(0o600)
    assert judge({"sigmavault": {}}, site).ok


def test_a_file_judged_as_written_may_not_carry_salts_render_error_key():
    [error] = validate_pillar({"_errors": [], "sigmavault": {}}, opened=False).errors
    assert error.path == "_errors" and "delete it" in error.message


def test_a_render_error_that_is_not_text_is_shown_bounded():
    [error] = validate_pillar({"_errors": [list(range(100_000))]}).errors
    assert error.path == "pillar" and len(error.message) < 80
