"""Validate a whole pillar: the schema first, then the rules that span several keys."""

from dataclasses import dataclass, field

from cerberus import Validator

from sigmavault.schema.errors import ROOT_KEY, PillarError
from sigmavault.schema.loader import load_schema
from sigmavault.schema.messages import to_pillar_errors
from sigmavault.schema.rules import cross_key_errors


@dataclass
class ValidationResult:
    document: dict = field(default_factory=dict)   # the sigmavault key, defaults filled in
    errors: list[PillarError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_pillar(pillar: dict) -> ValidationResult:
    """Check the sigmavault part of a rendered pillar; other top-level keys belong to others."""
    schema = load_schema()
    validator = Validator(schema, allow_unknown=False)
    declared = (pillar or {}).get(ROOT_KEY)
    document = {ROOT_KEY: {} if declared is None else declared}
    if not validator.validate(document):
        return ValidationResult(errors=sorted(set(to_pillar_errors(validator._errors, schema)),
                                              key=lambda e: e.path))
    normalized = validator.document[ROOT_KEY]
    return ValidationResult(document=normalized, errors=list(cross_key_errors(normalized)))
