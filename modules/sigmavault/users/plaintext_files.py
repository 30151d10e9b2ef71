"""SMB passwords in plain text may stand only in pillar files no one but root can read.

Sealed values (ENC[…]) may live anywhere, the pillar in git included; a plain one in a file that
others can read is refused before anything changes, naming the file but never the value.
"""

import re
import stat
from collections.abc import Iterator
from pathlib import Path

from sigmavault.schema.errors import ROOT_KEY, PillarError, key_path

# A password key with a value that is neither empty, null nor sealed.
_PLAIN_PASSWORD = re.compile(r"^[ \t]*smb_password:(?![ \t]*($|null[ \t]*$|~[ \t]*$|['\"]?ENC\[))", re.MULTILINE)


def readable_plaintext_errors(pillar_dirs: list[Path], proposed: dict[Path, str] | None = None
                              ) -> Iterator[PillarError]:
    """proposed: a file's new text, judged in place of what it holds now (a save not yet written; a new file
    is made readable by root only)."""
    proposed = {Path(path): text for path, text in (proposed or {}).items()}
    for directory in pillar_dirs:
        paths = sorted({*directory.rglob("*.sls"), *(p for p in proposed if p.is_relative_to(directory))})
        for path in paths:
            mode = path.stat().st_mode if path.exists() else 0o600
            text = proposed[path] if path in proposed else path.read_text()
            if not mode & (stat.S_IRGRP | stat.S_IROTH) or not _PLAIN_PASSWORD.search(text):
                continue
            yield PillarError(key_path(ROOT_KEY, "users", "accounts"),
                              f"{path} holds an SMB password in plain text and others can read it: seal it with "
                              f"`sigmavault seal {path} sigmavault.users.accounts.NAME.smb_password`, or move it to "
                              f"a file only root reads (chmod 600)")
