"""Key paths as the owner types them: sigmavault.encryption.secrets.api_token, list[0], odd['a.b'].

``key_path`` writes them the way sigmavault.schema.errors.key_path does; it is repeated here so the
secrets library never imports sigmavault.schema, whose package imports the cross-key rules, which
import this library: the rules of sigmavault.encryption live in secrets.pillar_rules.
"""

import re

from sigmavault.secrets.errors import SealedError

Path = tuple[str | int, ...]
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")

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


def key_path(*parts: str | int) -> str:
    """('a', 'b c', 0) as a['b c'][0]: a part that is not plain is quoted, so no name can forge a path."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not _PLAIN_KEY.fullmatch(str(part)):
            text += f"[{str(part)!r}]"
        else:
            text += f".{part}" if text else str(part)
    return text
