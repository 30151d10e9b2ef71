"""Running tools: a failure or a missing tool is an error that says what to do, never a traceback."""

import pytest

from sigmavault.command import CommandError, run


def test_missing_tool_names_the_debian_package_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(CommandError) as missing:
        run(["lsattr", "-d", "/"])
    assert missing.value.returncode == 127
    assert "lsattr is not installed: install e2fsprogs" in str(missing.value)


def test_failing_tool_reports_its_command_and_output():
    with pytest.raises(CommandError) as failed:
        run(["ls", "/nonexistent-sigmavault-path"])
    assert "`ls /nonexistent-sigmavault-path` failed (2)" in str(failed.value)


def test_expected_exit_codes_are_not_errors():
    assert run(["false"], ok_codes=(0, 1)) == ""
