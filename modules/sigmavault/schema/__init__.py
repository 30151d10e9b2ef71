"""The one pillar schema: loaded from pillar/schema/*.yaml. The whole verdict on a pillar (this schema, the
domains' cross-key rules and the box's environment) is sigmavault.verdict."""

from sigmavault.schema.errors import PillarError, key_path
from sigmavault.schema.validate import ValidationResult, check_schema

__all__ = ["PillarError", "ValidationResult", "check_schema", "key_path"]
