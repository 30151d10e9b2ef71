"""The secrets library reads pillar files through the one data-only loader: code is never read as settings,
and a file that is not plain data cannot be sealed into."""

import pytest

from sigmavault.encryption import actions, nodekey, site
from sigmavault.encryption.errors import SealedError
from sigmavault.encryption.sealfile import load
from tests.unit.test_pillar_text import ALIAS_BOMB, POLYGLOT_PY

RECIPIENT_LINE = "sigmavault:\n  encryption:\n    rotation_days: 7\n"


def test_settings_skip_a_file_that_is_code(tmp_path):
    (tmp_path / "a.sls").write_text(RECIPIENT_LINE)
    code = POLYGLOT_PY.replace("sigmavault: {}", "sigmavault: {encryption: {rotation_days: 1}}")
    (tmp_path / "b.sls").write_text(code)
    assert site.settings(tmp_path).rotation_days == 7


def test_settings_skip_an_alias_bomb(tmp_path):
    (tmp_path / "a.sls").write_text(RECIPIENT_LINE + ALIAS_BOMB)
    assert site.settings(tmp_path).rotation_days == 30


@pytest.mark.parametrize("text", [POLYGLOT_PY, "sigmavault: {a: '{{ x }}'}\n", ALIAS_BOMB])
def test_a_file_that_is_not_plain_data_is_neither_loaded_nor_sealed_into(tmp_path, text):
    with pytest.raises(SealedError, match="site.sls|the file"):
        load(text, "site.sls")
    path = tmp_path / "site.sls"
    path.write_text(text)
    nodekey.generate(tmp_path / "state")
    with pytest.raises(SealedError):
        actions.seal_in_file(path, ("sigmavault", "x"), "v", state_dir=tmp_path / "state", pillar_dir=tmp_path)
    assert path.read_text() == text
