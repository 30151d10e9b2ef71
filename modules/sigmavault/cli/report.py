"""Text a NAS owner reads: plans, apply summaries and the status of pools, datasets and shares."""

from collections.abc import Iterator

from sigmavault.cli.state_results import StateResult
from sigmavault.storage.sizes import human


def plan_lines(results: list[StateResult]) -> Iterator[str]:
    """The refusals first (they are why nothing will run), then each state that would change or is fine,
    then one line for the states Salt skipped behind a refusal."""
    for state in results:
        if state.refused:
            yield f"✗ {state.id}: {_indented(state.comment)}"
    for state in results:
        if state.result is None:
            yield f"~ {state.id}"
            for step in state.changes.get("would", []):
                yield f"    would {step}"
        elif state.result:
            yield f"  {state.id}: no change"
    yield from _skipped_line(results)


def apply_lines(results: list[StateResult]) -> Iterator[str]:
    for state in results:
        if state.refused:
            yield f"✗ {state.id}: {_indented(state.comment)}"
        elif state.result is not False and state.changed:
            yield f"✓ {state.id}"
            for step in state.changes.get("done", []):
                yield f"    {step}"
    yield from _skipped_line(results)


def _indented(comment: str) -> str:
    """A comment of several lines (a refusal lists its errors) stays under its state."""
    return "\n    ".join(line.strip() for line in comment.strip().splitlines())


def _skipped_line(results: list[StateResult]) -> Iterator[str]:
    skipped = sum(1 for s in results if s.skipped)
    if skipped:
        yield f"  {skipped} more state(s) not run: each needs a state that failed above"


def summary(results: list[StateResult]) -> str:
    failed = sum(1 for s in results if s.refused)
    skipped = sum(1 for s in results if s.skipped)
    changed = sum(1 for s in results if s.result is not False and s.changed)
    unchanged = len(results) - changed - failed - skipped
    return (f"{len(results)} states: {changed} changed, {unchanged} unchanged, {failed} failed"
            + (f", {skipped} not run" if skipped else ""))


def plan_summary(results: list[StateResult]) -> str:
    would = sum(1 for s in results if s.result is None)
    refused = sum(1 for s in results if s.refused)
    skipped = sum(1 for s in results if s.skipped)
    if not (would or refused or skipped):
        return "nothing would change"
    return (f"{would} state(s) would change, {refused} refused"
            + (f", {skipped} not run behind a refusal" if skipped else ""))


def status_lines(status: dict) -> Iterator[str]:
    """Every pool the box has: the declared ones, then those only the box knows (marked not declared)."""
    if not status["pools"]:
        yield "no pools declared" if status["valid"] else "no pools found on the box"
    # A pillar that could not be read declares nothing: saying so on every line would only repeat the verdict.
    unread = not status.get("pillar_read", True)
    for pool in status["pools"]:
        state = "mounted" if pool["mounted"] else "NOT MOUNTED"
        profiles = " ".join(f"{k}={','.join(v)}" for k, v in pool.get("profiles", {}).items())
        kind = f"{pool['type']} {profiles}".strip()
        yield f"pool {pool['name']} ({kind}) at {pool['mountpoint']}: {state}{_undeclared(pool, unread)}"
        if pool.get("health"):
            yield f"  {pool['health']}"
        if pool["mounted"]:
            yield (f"  size {human(pool['size_bytes'])}, used {human(pool['used_bytes'])}, "
                   f"free {human(pool['free_bytes'])}; disks: {', '.join(pool['devices']) or 'unknown'}")
        for dataset in pool["datasets"]:
            if not dataset["exists"]:
                yield f"  dataset {dataset['name']}: missing (run `sigmavault apply`)"
                continue
            yield (f"  dataset {dataset['name']} at {dataset['path']}: uses {human(dataset['referenced_bytes'])}"
                   f" of {human(dataset['quota_bytes']) if dataset['quota_bytes'] else 'no quota'}, "
                   f"compression {dataset['compression']}{_compsize(dataset.get('compsize'))}"
                   f"{_undeclared(dataset, unread)}")


def _undeclared(item: dict, unread: bool = False) -> str:
    return "" if unread or item.get("declared", True) else ", not declared in the pillar"


def share_lines(shares: dict) -> Iterator[str]:
    """The SMB shares and NFS exports, each server first with whether it runs."""
    smb, nfs = shares["smb"], shares["nfs"]
    unread = not shares.get("valid", True)   # a refused pillar: what the servers' config files hold
    for kind, noun, server, items in (("SMB", "share", smb, smb["shares"]), ("NFS", "export", nfs, nfs["exports"])):
        state = "running" if server["running"] else ("NOT RUNNING" if items else "not running")
        none = f", no {kind} {noun}s {'found' if unread else 'declared'}"
        yield f"{kind} ({server['server']}): {state}" + ("" if items else none)
        for item in items:
            yield f"  {noun} {item['name']}: {item['path']}{_share_access(item)}{_undeclared(item, unread)}"


def _share_access(item: dict) -> str:
    if "clients" in item:
        return " for " + ", ".join(f"{c['match']} ({c['access']})" for c in item["clients"])
    who = "anyone (guest)" if item["guest"] else ", ".join(
        item["valid_users"] + [f"group {g}" for g in item["valid_groups"]]) or "every account"
    return f", {'read only' if item['read_only'] else 'read and write'} for {who}"


def _compsize(stats: dict | None) -> str:
    """'; 1.2 MiB on disk for 20.0 MiB of data (94% saved)' from the dataset's compsize numbers."""
    if not stats:
        return ""
    if stats.get("error"):
        return f"; on-disk size unknown ({stats['error']})"
    if not stats["uncompressed_bytes"]:
        return ""
    return (f"; {human(stats['disk_bytes'])} on disk for {human(stats['uncompressed_bytes'])} of data "
            f"({stats['saved_percent']:.0f}% saved)")
