"""The panel's PAM service file, written by Salt into the site's etc folder (the host's /etc is not touched)."""

import stat
from pathlib import Path

from sigmavault import tree

STATE = "install_panel_pam_service"


def test_pam_service_is_written_once_then_left_alone(box):
    box.write_pillar({})
    preview = box.highstate(test=True)
    assert preview[STATE].result is None   # test=True predicts the write
    pam_file = box.site.etc / "pam.d" / "sigmavault-panel"
    assert not pam_file.exists()
    first, second = box.highstate(), box.highstate()
    assert first[STATE].result is True and first[STATE].changed
    assert second[STATE].result is True and not second[STATE].changed
    assert [r.id for r in second.values() if r.changed] == []   # a second apply changes nothing at all
    template = Path(tree.root(), "states/sigmavault/panel/files/etc-pam.d-sigmavault-panel.j2").read_text()
    assert pam_file.read_text() == template
    lines = [line for line in template.splitlines() if line and not line.startswith("#")]
    assert lines == ["@include common-auth", "@include common-account"]
    info = pam_file.stat()
    assert stat.S_IMODE(info.st_mode) == 0o644 and info.st_uid == 0


def test_a_hand_edit_is_put_back(box):
    box.write_pillar({})
    box.highstate()
    pam_file = box.site.etc / "pam.d" / "sigmavault-panel"
    pam_file.write_text("auth sufficient pam_permit.so\n")
    assert box.highstate()[STATE].changed
    assert "pam_permit" not in pam_file.read_text()
