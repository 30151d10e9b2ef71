"""Run a plan the way Salt states report: predicted steps under test=True, the steps that ran otherwise."""

from collections.abc import Callable
from dataclasses import dataclass, field

from sigmavault import steps
from sigmavault.command import CommandError
from sigmavault.steps import Plan


@dataclass
class Outcome:
    result: bool | None
    comment: str
    changes: dict = field(default_factory=dict)

    def as_state(self, name: str) -> dict:
        """The dict a Salt state function returns."""
        return {"name": name, "result": self.result, "comment": self.comment, "changes": self.changes}


def run_plan(what: str, make_plan: Callable[[], Plan], test: bool) -> Outcome:
    """Salt's contract: in test mode result None and the predicted steps; otherwise the steps that ran."""
    try:
        if test:
            plan = make_plan()
            if plan.refusals:
                raise steps.Refused(plan.refusals)
            predicted = [s.summary for s in plan.steps]
            if not predicted:
                return Outcome(True, f"{what} is as declared")
            return Outcome(None, f"{what} would change", {"would": predicted})
        done = steps.converge(make_plan)
    except steps.Refused as refused:
        return Outcome(False, "refused, nothing changed: " + "; ".join(map(str, refused.refusals)))
    except (CommandError, steps.Stuck) as error:
        return Outcome(False, f"{what} failed: {error}")
    if not done:
        return Outcome(True, f"{what} is as declared")
    return Outcome(True, f"{what} converged", {"done": done})
