"""A plan is a list of steps; each says in one line what changes and which commands make it so."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sigmavault.command import run
from sigmavault.files import write_atomically
from sigmavault.schema.errors import PillarError
from sigmavault.storage import fstab
from sigmavault.storage.fstab import FstabEntry


@dataclass(frozen=True)
class Step:
    summary: str
    commands: tuple[tuple[str, ...], ...] = ()
    fstab_entry: FstabEntry | None = None
    writes: tuple[tuple[str, str], ...] = ()     # (path, whole new content), each replaced atomically
    stdin: str | None = field(default=None, repr=False)   # fed to each command: a secret never stands in argv
    # A key read only when the step runs (never while planning), fed to each command's stdin.
    secret: Callable[[], bytes] | None = field(default=None, repr=False, compare=False)


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    refusals: list[PillarError] = field(default_factory=list)

    def add(self, summary: str, *commands: list[str], fstab_entry: FstabEntry | None = None,
            writes: tuple[tuple[str, str], ...] = (), stdin: str | None = None,
            secret: Callable[[], bytes] | None = None) -> None:
        self.steps.append(Step(summary, tuple(tuple(c) for c in commands), fstab_entry, writes, stdin, secret))


class Refused(RuntimeError):
    def __init__(self, refusals: list[PillarError]):
        self.refusals = refusals
        super().__init__("; ".join(str(r) for r in refusals))


class Stuck(RuntimeError):
    """A step ran but the box did not change as planned: stop rather than loop."""


def perform(step: Step, fstab_path: Path) -> None:
    for path, content in step.writes:
        write_atomically(Path(path), content)
    stdin = step.secret() if step.secret else step.stdin
    for argv in step.commands:
        run(list(argv), stdin=stdin)
    if step.fstab_entry:
        fstab.write_entry(fstab_path, step.fstab_entry)


def converge(make_plan: Callable[[], Plan], fstab_path: Path, max_steps: int = 32) -> list[str]:
    """Run the first step of a fresh plan until the plan is empty; facts are re-read after every step,
    so later steps use what earlier ones created (the new file system's UUID, for instance)."""
    done: list[str] = []
    for _ in range(max_steps):
        plan = make_plan()
        if plan.refusals:
            raise Refused(plan.refusals)
        if not plan.steps:
            return done
        step = plan.steps[0]
        if done and done[-1] == step.summary:
            raise Stuck(f"'{step.summary}' ran but the box still needs it")
        perform(step, fstab_path)
        done.append(step.summary)
    raise Stuck(f"gave up after {max_steps} steps: {done[-3:]}")
