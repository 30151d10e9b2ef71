"""Read a state.apply reply: which states changed, would change, failed, or were fine."""

from dataclasses import dataclass


@dataclass(frozen=True)
class StateResult:
    id: str
    result: bool | None
    comment: str
    changes: dict
    order: int
    ran: bool = True      # False: Salt skipped it because a state it requires failed or was refused

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def refused(self) -> bool:
        """Failed or refused on its own account (not merely skipped behind another failure)."""
        return self.result is False and self.ran

    @property
    def skipped(self) -> bool:
        return self.result is False and not self.ran


def parse_state_results(data: object) -> tuple[list[StateResult], list[str]]:
    """(results in run order, errors that stopped Salt before any state ran, such as a render failure)."""
    if isinstance(data, list):
        return [], [str(item) for item in data]
    if not isinstance(data, dict):
        return [], [str(data) if data else "salt-call returned nothing"]
    results = [
        StateResult(value.get("__id__", key), value.get("result"), str(value.get("comment", "")),
                    value.get("changes") or {}, value.get("__run_num__", 0), _ran(value))
        for key, value in data.items() if isinstance(value, dict)
    ]
    return sorted(results, key=lambda r: r.order), []


def _ran(value: dict) -> bool:
    # Salt marks a state it did not run (a requisite failed) with __state_ran__: False; older replies
    # carry only the comment.
    if "__state_ran__" in value:
        return bool(value["__state_ran__"])
    return not str(value.get("comment", "")).startswith("One or more requisite failed")
