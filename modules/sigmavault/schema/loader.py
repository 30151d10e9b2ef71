"""Read the per-domain schema files into one cerberus schema for the whole pillar."""

from functools import lru_cache
from pathlib import Path

import yaml

from sigmavault import tree
from sigmavault.schema.errors import ROOT_KEY

# The order the domains converge in (DESIGN.md); the schema files carry the same names.
DOMAINS = (
    "system", "storage", "encryption", "users", "shares",
    "compression", "mesh", "agents", "panel", "alerts",
)


@lru_cache(maxsize=4)
def load_schema(schema_dir: Path | None = None) -> dict:
    """The schema of the whole pillar document: {sigmavault: {type: dict, schema: {domain: …}}}."""
    directory = schema_dir or tree.schema_dir()
    domains = {}
    for domain in DOMAINS:
        with open(directory / f"{domain}.yaml", encoding="utf-8") as handle:
            domains[domain] = yaml.safe_load(handle)
    return {
        ROOT_KEY: {
            "type": "dict",
            "default": {},
            "meta": {"description": "Everything SigmaVault manages on this box"},
            "schema": domains,
        }
    }


def rules_at(schema: dict, document_path: tuple) -> dict | None:
    """The rule set that governs the value at document_path, or None if the path leaves the schema."""
    rules: dict | None = {"type": "dict", "schema": schema}
    for part in document_path:
        if rules is None:
            return None
        if "schema" in rules and rules.get("type") == "dict":
            rules = rules["schema"].get(part)
        elif "valuesrules" in rules:
            rules = rules["valuesrules"]
        elif "schema" in rules and rules.get("type") == "list":
            rules = rules["schema"]
        else:
            return None
    return rules
