"""Read a state.apply reply: which states changed, would change, failed, or were fine."""

from dataclasses import dataclass


@dataclass(frozen=True)
class StateResult:
    id: str
    result: bool | None
    comment: str
    changes: dict
    order: int

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def parse_state_results(data: object) -> tuple[list[StateResult], list[str]]:
    """(results in run order, errors that stopped Salt before any state ran, such as a render failure)."""
    if isinstance(data, list):
        return [], [str(item) for item in data]
    if not isinstance(data, dict):
        return [], [str(data) if data else "salt-call returned nothing"]
    results = [
        StateResult(value.get("__id__", key), value.get("result"), str(value.get("comment", "")),
                    value.get("changes") or {}, value.get("__run_num__", 0))
        for key, value in data.items() if isinstance(value, dict)
    ]
    return sorted(results, key=lambda r: r.order), []
