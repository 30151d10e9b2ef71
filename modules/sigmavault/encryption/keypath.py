"""Key paths as the owner types them: sigmavault.encryption.secrets.api_token, list[0], odd['a.b'].

Paths are written back with sigmavault.schema.errors.key_path, the one renderer every error uses.
"""

import re

from sigmavault.encryption.errors import SealedError

Path = tuple[str | int, ...]

_TOKEN = re.compile(r"""\.?(?:(?P<plain>[^.\[\]'"]+)|\[(?P<index>\d+)\]"""
                    r"""|\['(?P<quoted>[^']*)'\]|\["(?P<dquoted>[^"]*)"\])""")


def parse_key_path(text: str) -> Path:
    parts: list[str | int] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or (match.group(0).startswith(".") and not parts):
            raise SealedError(f"cannot read the key path {text!r} at character {position + 1}: "
                              "write it like sigmavault.encryption.secrets.api_token or list[0]")
        if match["index"] is not None:
            parts.append(int(match["index"]))
        else:
            parts.append(next(g for g in (match["plain"], match["quoted"], match["dquoted"]) if g is not None))
        position = match.end()
    if not parts:
        raise SealedError("the key path is empty")
    return tuple(parts)
