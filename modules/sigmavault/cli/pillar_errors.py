"""A pillar that Salt could not render, told as the file and the place in it.

Salt reports a YAML error in a pillar file as "Rendering SLS 'NAME' failed, render error:" followed by
PyYAML's text, which places the problem in "<unicode string>" rather than in a file. The owner needs the
file: NAME is an SLS name under the pillar directory (NAME.sls or NAME/init.sls)."""

import re
from pathlib import Path

_RENDERING = re.compile(r"Rendering SLS '(?:[^:']*:)?(?P<sls>[^']+)' failed(?:, render error)?:\s*", re.S)
_HEADER = "Pillar failed to render with the following messages:"
_EXT_PILLAR = re.compile(r"^Failed to load ext_pillar \S+: ")   # Salt's prefix on its pillar loader's message
_MARK = re.compile(r'^\s*in "<unicode string>", line (?P<line>\d+), column (?P<column>\d+)\s*$')


def is_pillar_render_failure(errors: list[str]) -> bool:
    return any(_HEADER in error or _RENDERING.search(error) or _EXT_PILLAR.match(error) for error in errors)


def sls_file(pillar_dir: Path, sls: str) -> Path:
    relative = Path(*sls.split("."))
    package = pillar_dir / relative / "init.sls"
    return package if package.exists() else pillar_dir / relative.with_suffix(".sls")


def readable(message: str, pillar_dir: Path) -> str:
    """'FILE: line L, column C: PROBLEM' for Salt's render failure; any other message as it came."""
    match = _RENDERING.search(message)
    if not match:
        return _EXT_PILLAR.sub("", message.strip())
    where = sls_file(pillar_dir, match["sls"])
    problem, marks = [], []
    for line in message[match.end():].splitlines():
        mark = _MARK.match(line)
        if mark:
            marks.append(f"line {mark['line']}, column {mark['column']}")
        elif line.strip():
            problem.append(line.strip())
    # PyYAML names the context first and the problem last; the last mark is where the problem is.
    text = problem[-1] if problem else "cannot be read"
    context = f" ({problem[0]} at {marks[0]})" if len(problem) > 1 and len(marks) > 1 else ""
    at = f"{marks[-1]}: " if marks else ""
    return f"{where}: {at}{text}{context}"


def readable_errors(errors: list[str], pillar_dir: Path) -> list[str]:
    return [readable(e, pillar_dir) for e in errors if e.strip() and e.strip() != _HEADER]
