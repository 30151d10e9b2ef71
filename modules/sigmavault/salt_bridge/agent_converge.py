"""The converge an agent asks for (TaskContext.converge): the pillar's highstate through the same salt_call
as `sigmavault plan` (test=True) and `sigmavault apply`, boiled down to a registry.ConvergeReport.

changes: state id -> {"comment", "changes"} for every state that changed, or under test=True would change
(Salt marks those result None, or reports the changes it predicts). errors: what stopped Salt before any
state ran (a refused pillar, a render failure, the box held too long), then each state that failed on its
own account.
"""

from sigmavault.agents.boxlock import BoxBusy
from sigmavault.agents.registry import ConvergeReport
from sigmavault.cli.state_results import parse_state_results
from sigmavault.records import RecordDamaged
from sigmavault.salt_bridge.call import SaltUnavailable, salt_call
from sigmavault.site import Site


def converge(site: Site, test: bool) -> ConvergeReport:
    try:
        reply = salt_call(site, "state.apply", *(["test=True"] if test else []))
    except (SaltUnavailable, RecordDamaged, BoxBusy) as error:   # nothing ran
        return ConvergeReport(False, {}, [str(error)])
    return report_of(reply.data, test)


def report_of(data: object, test: bool) -> ConvergeReport:
    results, errors = parse_state_results(data)
    if errors:
        return ConvergeReport(False, {}, errors)
    changes = {r.id: {"comment": r.comment, "changes": r.changes} for r in results
               if r.changed or (test and r.result is None)}
    failed = [f"{r.id}: {r.comment}" for r in results if r.refused]
    return ConvergeReport(not failed, changes, failed)
