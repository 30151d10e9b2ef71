"""Check a rendered pillar against the one schema. Rules that span several keys belong to the domains and
are joined with these by sigmavault.verdict; this package knows no domain."""

from dataclasses import dataclass, field

from cerberus import Validator

from sigmavault.schema.errors import RENDER_ERRORS, ROOT_KEY, PillarError, key_path
from sigmavault.schema.loader import load_schema
from sigmavault.schema.messages import to_pillar_errors


@dataclass
class ValidationResult:
    document: dict = field(default_factory=dict)   # the sigmavault key, defaults filled in
    errors: list[PillarError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def foreign_key_errors(pillar: dict) -> list[PillarError]:
    """Every top-level key but sigmavault is refused: nothing else in the pillar is read, so a key beside it
    is a typo or a stray paste, and an unchecked key is where an alias bomb would hide. Salt's own report of
    files that did not render (_errors) is not a key of the owner's; the verdict reports it."""
    return [PillarError(key_path(key if len(key) <= 64 else key[:61] + "..."),
                        f"is not a SigmaVault key: everything the box is goes under {ROOT_KEY}: "
                        "(move it there or delete it)")
            for key in sorted(map(str, pillar)) if key not in (ROOT_KEY, RENDER_ERRORS)]


def check_schema(pillar: dict) -> ValidationResult:
    """The sigmavault key of a rendered pillar against the schema, with defaults filled in."""
    pillar = pillar or {}
    foreign = foreign_key_errors(pillar)
    schema = load_schema()
    validator = Validator(schema, allow_unknown=False)
    declared = pillar.get(ROOT_KEY)
    document = {ROOT_KEY: {} if declared is None else declared}
    if not validator.validate(document):
        return ValidationResult(errors=foreign + sorted(set(to_pillar_errors(validator._errors, schema)),
                                                        key=lambda e: e.path))
    return ValidationResult(document=validator.document[ROOT_KEY], errors=foreign)
