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


def readable_plaintext_errors(pillar_dirs: list[Path]) -> Iterator[PillarError]:
    for directory in pillar_dirs:
        for path in sorted(directory.rglob("*.sls")):
            mode = path.stat().st_mode
            if not mode & (stat.S_IRGRP | stat.S_IROTH) or not _PLAIN_PASSWORD.search(path.read_text()):
                continue
            yield PillarError(key_path(ROOT_KEY, "users", "accounts"),
                              f"{path} holds an SMB password in plain text and others can read it: seal it with "
                              f"`sigmavault seal {path} sigmavault.users.accounts.NAME.smb_password`, or move it to "
                              f"a file only root reads (chmod 600)")
