"""Records SigmaVault keeps in its state dir, read through one loader that turns damage into a message.

A record that is truncated, not JSON, of the wrong shape, a folder where a file belongs or unreadable
never surfaces as a traceback: `RecordDamaged` names the file, what is wrong with it and what to do.
"""

import json
from pathlib import Path

from sigmavault.files import write_atomically

_MISSING = object()


class RecordDamaged(RuntimeError):
    """A record exists but cannot be used; str() is the owner's message."""

    def __init__(self, path: Path, problem: str, remedy: str):
        self.path, self.problem, self.remedy = Path(path), problem, remedy
        super().__init__(f"{path}: {problem}; {remedy}")


def _shape_name(kind: type) -> str:
    names = {list: "a list", dict: "a mapping (JSON object)", str: "a string", int: "a number",
             float: "a number", bool: "true/false", type(None): "null"}
    return names.get(kind, kind.__name__)


def read_json(path: Path, kind: type, remedy: str, default=_MISSING, each: type | None = None):
    """The JSON value in path, which must be of `kind` (list, dict …), and with `each` every item of the
    list (or value of the mapping) of that kind. A missing file gives `default` (or is damage when no
    default is given); anything else that is wrong raises RecordDamaged."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if default is _MISSING:
            raise RecordDamaged(path, "is missing", remedy) from None
        return default
    except IsADirectoryError:
        raise RecordDamaged(path, "is a folder where a file belongs", remedy) from None
    except PermissionError:
        raise RecordDamaged(path, "cannot be read (permission denied)", "run as root") from None
    except UnicodeDecodeError:
        raise RecordDamaged(path, "is not text", remedy) from None
    except OSError as error:
        raise RecordDamaged(path, f"cannot be read ({error.strerror})", remedy) from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        what = "is empty" if not text.strip() else f"is not valid JSON (line {error.lineno}, column {error.colno})"
        raise RecordDamaged(path, f"{what}; it may have been cut short by a crash or a full disk", remedy) from None
    if not isinstance(value, kind):
        raise RecordDamaged(path, f"holds {_shape_name(type(value))} where {_shape_name(kind)} belongs", remedy)
    if each is not None:
        items = value.values() if isinstance(value, dict) else value
        odd = next((item for item in items if not isinstance(item, each)), _MISSING)
        if odd is not _MISSING:
            raise RecordDamaged(path, f"holds {_shape_name(type(odd))} where each entry is {_shape_name(each)}",
                                remedy)
    return value


def write_json(path: Path, value, mode: int = 0o600) -> None:
    write_atomically(Path(path), json.dumps(value, indent=2, sort_keys=True) + "\n", mode)
