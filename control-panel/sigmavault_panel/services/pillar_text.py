"""The pillar file as text: its ETag, reading it as plain YAML, and writing it so Salt renders it as such."""

import hashlib
from pathlib import Path

import yaml

from sigmavault import tree
from sigmavault.schema import PillarError
from sigmavault.schema.errors import ROOT_KEY

# Salt renders pillar files through Jinja unless told otherwise; the panel writes plain YAML only,
# so its files start with a shebang that keeps any text a user typed from being run as a template.
COMMENT = "# The SigmaVault pillar. The control panel writes this file; its history is `git log` here.\n"
TEMPLATE_MARKERS = ("{{", "{%", "{#")


def shebang(minion: Path | None = None) -> str:
    """The configured render pipeline without its template step: '#!yaml', or '#!yaml|sigmavault_sealed' when the
    minion config ends every render by opening sealed values."""
    try:
        config = yaml.safe_load((minion or tree.root() / "salt" / "minion").read_text()) or {}
    except (OSError, yaml.YAMLError):
        config = {}
    renderer = config.get("renderer") if isinstance(config.get("renderer"), str) else "jinja|yaml"
    steps = [step.strip() for step in renderer.split("|") if step.strip() and step.strip() != "jinja"]
    return "#!" + "|".join(steps or ["yaml"]) + "\n"


def etag_of(text: str) -> str:
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def same_etag(given: str | None, etag: str) -> bool:
    if not given:
        return False
    return given.strip().removeprefix("W/") == etag


def parse(text: str, name: str) -> tuple[dict, PillarError | None]:
    if any(marker in text for marker in TEMPLATE_MARKERS):
        return {}, PillarError(name, "uses Salt templating ({{ }}, {% %} or {# #}); the panel edits plain YAML "
                                     "only — remove the template or edit the file by hand")
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        return {}, PillarError(name, f"is not valid YAML: {where}{getattr(error, 'problem', None) or error}")
    if document is None:
        document = {}
    if not isinstance(document, dict):
        return {}, PillarError(name, f"must be a mapping with the key {ROOT_KEY}, not a {type(document).__name__}")
    return document, None


def render(pillar: dict) -> str:
    return shebang() + COMMENT + yaml.safe_dump(pillar, sort_keys=False, default_flow_style=False, allow_unicode=True)
