"""A plain SMB password only in a file that root alone reads; sealed ones anywhere."""

from sigmavault.users.plaintext_files import readable_plaintext_errors


def write(directory, name: str, text: str, mode: int):
    path = directory / name
    path.write_text(text)
    path.chmod(mode)
    return path


def test_plain_password_in_a_readable_file_is_refused_without_showing_it(tmp_path):
    path = write(tmp_path, "site.sls", "sigmavault:\n  users:\n    accounts:\n      alice:\n"
                                       "        smb_password: hunter2-hunter2\n", 0o644)
    [error] = readable_plaintext_errors([tmp_path])
    assert error.path == "sigmavault.users.accounts" and str(path) in error.message
    assert "hunter2" not in error.message and "chmod 600" in error.message


def test_root_only_files_sealed_values_and_nulls_pass(tmp_path):
    write(tmp_path, "secrets.sls", "      smb_password: hunter2-hunter2\n", 0o600)
    write(tmp_path, "site.sls", "      smb_password: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\n"
                                "      smb_password: null\n      smb_password:\n", 0o644)
    assert list(readable_plaintext_errors([tmp_path])) == []
