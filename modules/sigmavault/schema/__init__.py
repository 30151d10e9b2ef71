"""The one pillar schema: loaded from pillar/schema/*.yaml, shared by Salt, the CLI and the panel."""

from sigmavault.schema.errors import PillarError, key_path
from sigmavault.schema.validate import ValidationResult, validate_pillar

__all__ = ["PillarError", "ValidationResult", "key_path", "validate_pillar"]
