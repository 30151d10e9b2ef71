"""A pillar directory read as data: top.sls names the files that apply to a box, each is read through
pillar_text (never rendered) and merged in order, as Salt merges pillar files.

Salt itself reads no pillar file (its pillar_roots are empty): the ext_pillar ``sigmavault`` calls read(),
so a renderer line or a template in a pillar file can never run.
"""

import fnmatch
import re
from collections.abc import Callable
from pathlib import Path

from sigmavault.pillar_text import PillarTextError, read_file
from sigmavault.schema.errors import RENDER_ERRORS, shown

TOP = "top.sls"
ENVIRONMENT = "base"
_SLS_NAME = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\Z")


def files_for(pillar_dir: Path, minion_id: str | None) -> list[Path]:
    """The pillar files top.sls assigns to minion_id (None: to any box), in order, each once."""
    top_path = Path(pillar_dir) / TOP
    if not top_path.is_file():
        raise PillarTextError(str(top_path), "is missing; it names the pillar files, e.g. "
                                             "\"base: {'*': [sigmavault]}\"")
    top = read_file(top_path)
    unknown = [name for name in top if name != ENVIRONMENT]
    if unknown:
        raise PillarTextError(str(top_path), f"names the environment {shown(str(unknown[0]))}; only "
                                             f"{ENVIRONMENT!r} is read")
    targets = top.get(ENVIRONMENT) or {}
    if not isinstance(targets, dict):
        raise PillarTextError(str(top_path), f"{ENVIRONMENT} must map targets (minion id globs) to lists of files")
    found: list[Path] = []
    for target, names in targets.items():
        if minion_id is not None and not fnmatch.fnmatchcase(minion_id, str(target)):
            continue
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise PillarTextError(str(top_path), f"the target {shown(str(target))} must list file names "
                                                 "(such as sigmavault); matchers other than minion id globs are "
                                                 "not supported")
        for name in names:
            path = _path_of(Path(pillar_dir), name, top_path)
            if path not in found:
                found.append(path)
    return found


def _path_of(pillar_dir: Path, name: str, top_path: Path) -> Path:
    if not _SLS_NAME.match(name):
        raise PillarTextError(str(top_path), f"names the file {shown(name)}; names are letters, digits, - and _, "
                                             "with dots between folders")
    base = pillar_dir.joinpath(*name.split("."))
    for path in (base.with_name(base.name + ".sls"), base / "init.sls"):
        if path.is_file():
            return path
    raise PillarTextError(str(top_path), f"names {name}, but neither {base.name}.sls nor {base.name}/init.sls "
                                         f"is in {base.parent}")


def merge(into: dict, data: dict) -> dict:
    """data merged into a copy of into: mappings recursively, anything else replaced (Salt's default)."""
    merged = dict(into)
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def read(pillar_dir: Path, minion_id: str, open_file: Callable[[Path, dict], dict] | None = None) -> dict:
    """The merged pillar of minion_id; open_file(path, data) may transform each file's data (open sealed values)."""
    merged: dict = {}
    for path in files_for(pillar_dir, minion_id):
        data = read_file(path)
        if RENDER_ERRORS in data:   # Salt's own report of render errors: a file must not forge or hide one
            raise PillarTextError(str(path), f"holds the top-level key {RENDER_ERRORS}, which Salt keeps for its "
                                             "report of files that did not render: delete it")
        merged = merge(merged, open_file(path, data) if open_file else data)
    return merged


def folder_problems(pillar_dir: Path) -> list[str]:
    """Why the .sls files in pillar_dir (its folders included) are not a data-only pillar (empty when they are):
    every file is read through pillar_text, and top.sls must name files that are there."""
    problems = []
    for path in sorted(Path(pillar_dir).rglob("*.sls")):
        try:
            read_file(path)
        except PillarTextError as error:
            problems.append(str(error))
    if not problems:
        try:
            files_for(pillar_dir, None)
        except PillarTextError as error:
            problems.append(str(error))
    return problems
