"""The pillar file as text: its ETag, reading it as plain YAML data, and writing it as such.

Reading goes through sigmavault.pillar_text, the one loader Salt's ext_pillar, the CLI and first boot use:
a renderer line, Jinja, an alias bomb or deep nesting is refused here with the same words as there.
Files are written as plain YAML with no "#!" line: Salt reads no pillar file itself, so none is needed.
"""

import hashlib

import yaml

from sigmavault.pillar_text import PillarTextError, load_mapping
from sigmavault.schema import PillarError

COMMENT = "# The SigmaVault pillar. The control panel writes this file; its history is `git log` here.\n"


def etag_of(text: str) -> str:
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def same_etag(given: str | None, etag: str) -> bool:
    if not given:
        return False
    return given.strip().removeprefix("W/") == etag


def parse(text: str, name: str) -> tuple[dict, PillarError | None]:
    try:
        return load_mapping(text, name), None
    except PillarTextError as error:
        return {}, error.as_error()


def render(pillar: dict) -> str:
    return COMMENT + yaml.safe_dump(pillar, sort_keys=False, default_flow_style=False, allow_unicode=True)
