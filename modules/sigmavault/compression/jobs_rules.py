"""Old name of pillar_rules, kept only until schema/rules.py (being replaced) stops importing it."""

from .pillar_rules import compression_errors

__all__ = ["compression_errors"]
