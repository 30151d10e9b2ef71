"""The whole verdict on a pillar: is it one SigmaVault can apply to this box?

It sits above the domains (the schema and the core know none of them) and is the one answer Salt's first
state, the CLI (`sigmavault validate`, through Salt), the panel and first boot (`sigmavault apply`, whose
first state this is) give. Three parts, in order, each only when the one before found nothing:
  1. the pillar's own rules: files that did not render, keys outside `sigmavault:`, the schema, then the
     cross-key rules of every domain;
  2. with environment=True, the box: the time zone exists, every declared disk is attached once, no pool
     plan is refused (a disk holding data without consent), no readable pillar file holds a plain password.
"""

from dataclasses import dataclass, field
from pathlib import Path

from sigmavault.agents.pillar_rules import agents_errors
from sigmavault.compression.pillar_rules import compression_errors
from sigmavault.encryption.pillar_rules import encryption_errors
from sigmavault.encryption.sealfile import META_KEY
from sigmavault.schema import PillarError, check_schema
from sigmavault.schema.errors import RENDER_ERRORS, shown
from sigmavault.shares.pillar_rules import shares_errors
from sigmavault.site import Site
from sigmavault.storage.converge import volume_keys
from sigmavault.storage.pillar_rules import storage_errors
from sigmavault.storage.preflight import environment_errors
from sigmavault.system.host import zone_errors
from sigmavault.users.pillar_rules import users_errors
from sigmavault.users.plaintext_files import readable_plaintext_errors


@dataclass(frozen=True)
class Verdict:
    document: dict = field(default_factory=dict)   # the sigmavault key, defaults filled in; {} when unread
    errors: list[PillarError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {"valid": self.ok, "errors": [error.as_dict() for error in self.errors]}


@dataclass(frozen=True)
class Proposal:
    """A pillar file's new text, judged before it is written (the panel's save): its sealed values are still
    sealed, as they stand in the file, and its plain passwords are judged by the mode the file will have."""
    path: Path
    text: str


def cross_key_errors(document: dict, opened: bool = True) -> list[PillarError]:
    """Rules that span several keys, each domain's own (document: the schema-valid sigmavault key)."""
    return [*storage_errors(document.get("storage", {})), *encryption_errors(document, opened),
            *compression_errors(document), *users_errors(document.get("users", {})), *shares_errors(document),
            *agents_errors(document)]


def as_written(pillar: dict) -> dict:
    """A pillar file's data as the ext_pillar hands it on, but unopened: without its sealed block."""
    return {key: value for key, value in (pillar or {}).items() if key != META_KEY}


def validate_pillar(pillar: dict, opened: bool = True) -> Verdict:
    """The pillar's own rules, without looking at the box: what any copy of the pillar is judged by.
    opened=False judges a file's data as written (sealed values still sealed, its sealed block beside them)."""
    if not opened:
        pillar = as_written(pillar)
        if RENDER_ERRORS in pillar:     # only Salt writes that key, never a file
            return Verdict(errors=[PillarError(RENDER_ERRORS, "is Salt's report of files that did not render, "
                                                              "not a key of a pillar file: delete it")])
    rendered = (pillar or {}).get(RENDER_ERRORS) or []
    if isinstance(rendered, str):
        rendered = [rendered]
    if rendered:
        return Verdict(errors=[PillarError("pillar", message if isinstance(message, str) else shown(message))
                               for message in rendered])
    checked = check_schema(pillar)
    if checked.errors and not checked.document:     # the schema refused it: cross-key rules would misread it
        return Verdict(errors=checked.errors)
    return Verdict(checked.document, checked.errors + cross_key_errors(checked.document, opened))


def environment_verdict(document: dict, site: Site, proposal: Proposal | None = None) -> list[PillarError]:
    """What the box says about a pillar that is valid on its own."""
    proposed = {proposal.path: proposal.text} if proposal else {}
    return (zone_errors(document["system"])
            + environment_errors(document["storage"], site, volume_keys(document, site))
            + list(readable_plaintext_errors([site.pillar_dir], proposed)))


def judge(pillar: dict, site: Site, environment: bool = True, proposal: Proposal | None = None) -> Verdict:
    """The whole verdict. With a proposal, pillar is that file's data as written, judged before it is saved."""
    verdict = validate_pillar(pillar, opened=proposal is None)
    if verdict.errors or not environment:
        return verdict
    return Verdict(verdict.document, environment_verdict(verdict.document, site, proposal))
