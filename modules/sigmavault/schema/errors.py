"""Validation errors as values: the pillar key path and what the owner should do."""

import re
import reprlib
from dataclasses import dataclass

ROOT_KEY = "sigmavault"
# Where Salt puts the messages of pillar files that did not render (a sealed value that does not open,
# bad YAML); not a key of the owner's.
RENDER_ERRORS = "_errors"


@dataclass(frozen=True)
class PillarError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def as_dict(self) -> dict:
        return {"path": self.path, "message": self.message}


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")
# repr() makes hostile input visible (newlines, NULs, look-alikes); reprlib bounds it, so a huge or deeply
# nested value costs a message no more than a few dozen characters to show.
_BOUNDED = reprlib.Repr()
_BOUNDED.maxstring, _BOUNDED.maxother, _BOUNDED.maxlevel = 60, 60, 2
_BOUNDED.maxdict = _BOUNDED.maxlist = _BOUNDED.maxtuple = _BOUNDED.maxset = 4


def shown(value: object) -> str:
    """A value as a message may quote it: visible and bounded, whatever its size."""
    return _BOUNDED.repr(value)


def key_path(*parts: str | int) -> str:
    """Render ('sigmavault', 'storage', 'pools', 'tank', 'devices', 1) as sigmavault.storage.pools.tank.devices[1].

    A key that is not plain is shown quoted, so a hostile name cannot forge a path or a line.
    """
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not _PLAIN_KEY.fullmatch(str(part)):
            text += f"[{shown(str(part))}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def storage_path(*parts: str | int) -> str:
    return key_path(ROOT_KEY, "storage", *parts)
