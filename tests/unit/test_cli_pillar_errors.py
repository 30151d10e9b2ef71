"""A pillar file Salt could not render is told as the file, the line and the column, not '<unicode string>'."""

from sigmavault.cli.pillar_errors import is_pillar_render_failure, readable, readable_errors

SALT_RENDER_ERROR = (
    "Rendering SLS 'sigmavault' failed, render error:\n"
    "while parsing a flow sequence\n"
    '  in "<unicode string>", line 3, column 12\n'
    "did not find expected ',' or ']'\n"
    '  in "<unicode string>", line 4, column 8')


def test_a_yaml_error_names_the_pillar_file_line_and_column(tmp_path):
    assert readable(SALT_RENDER_ERROR, tmp_path) == (
        f"{tmp_path}/sigmavault.sls: line 4, column 8: did not find expected ',' or ']' "
        "(while parsing a flow sequence at line 3, column 12)")


def test_an_sls_package_names_its_init_file(tmp_path):
    (tmp_path / "site" / "users").mkdir(parents=True)
    (tmp_path / "site" / "users" / "init.sls").write_text("")
    message = SALT_RENDER_ERROR.replace("'sigmavault'", "'base:site.users'")
    assert readable(message, tmp_path).startswith(f"{tmp_path}/site/users/init.sls: line 4, column 8: ")


def test_a_plan_that_stopped_on_the_pillar_is_told_without_salts_header(tmp_path):
    errors = ["Pillar failed to render with the following messages:", SALT_RENDER_ERROR]
    assert is_pillar_render_failure(errors)
    assert readable_errors(errors, tmp_path) == [readable(SALT_RENDER_ERROR, tmp_path)]


def test_other_messages_pass_unchanged(tmp_path):
    message = f"{tmp_path}/sigmavault.sls: line 2, column 1: is not valid YAML: mapping values are not allowed"
    assert readable(message, tmp_path) == message
    assert not is_pillar_render_failure(["No matching sls found for 'sigmavault' in env 'base'"])


def test_salts_prefix_on_the_pillar_loaders_message_is_dropped(tmp_path):
    message = f"{tmp_path}/sigmavault.sls: line 4, column 8: is not valid YAML: expected ',' or ']', but got ':'"
    assert readable(f"Failed to load ext_pillar sigmavault: {message}", tmp_path) == message
    assert is_pillar_render_failure([f"Failed to load ext_pillar sigmavault: {message}"])
