"""A plan is a list of steps; each says in one line what changes and which commands make it so.

The runner knows no domain: a step replaces whole files (`writes`), runs commands, then edits files
through pure text functions (`edits`, e.g. the fstab line storage/fstab.py builds). A domain builds the
edits; the runner only reads each file, changes its text and writes it back durably.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sigmavault.command import run
from sigmavault.files import read_text, write_atomically
from sigmavault.schema.errors import PillarError


@dataclass(frozen=True)
class FileEdit:
    """Read path (empty text when it is absent), pass the text through change, write the result
    atomically. change must be pure: the same text in, the same text out, so planning can predict it."""
    path: Path
    change: Callable[[str], str]
    mode: int = 0o644

    def apply(self) -> None:
        before = read_text(Path(self.path)) or ""
        after = self.change(before)
        if after != before or not Path(self.path).exists():
            write_atomically(Path(self.path), after, self.mode)


@dataclass(frozen=True)
class Step:
    summary: str
    commands: tuple[tuple[str, ...], ...] = ()
    edits: tuple[FileEdit, ...] = ()             # applied after the commands (a mount, then its fstab line)
    writes: tuple[tuple[str, str], ...] = ()     # (path, whole new content), each replaced atomically
    stdin: str | None = field(default=None, repr=False)   # fed to each command: a secret never stands in argv
    # A key read only when the step runs (never while planning), fed to each command's stdin.
    secret: Callable[[], bytes] | None = field(default=None, repr=False, compare=False)


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    refusals: list[PillarError] = field(default_factory=list)

    def add(self, summary: str, *commands: list[str], edits: tuple[FileEdit, ...] = (),
            writes: tuple[tuple[str, str], ...] = (), stdin: str | None = None,
            secret: Callable[[], bytes] | None = None) -> None:
        self.steps.append(Step(summary, tuple(tuple(c) for c in commands), edits, writes, stdin, secret))


class Refused(RuntimeError):
    def __init__(self, refusals: list[PillarError]):
        self.refusals = refusals
        super().__init__("; ".join(str(r) for r in refusals))


class Stuck(RuntimeError):
    """A step ran but the box did not change as planned: stop rather than loop."""


def perform(step: Step) -> None:
    for path, content in step.writes:
        write_atomically(Path(path), content)
    stdin = step.secret() if step.secret else step.stdin
    for argv in step.commands:
        run(list(argv), stdin=stdin)
    for edit in step.edits:
        edit.apply()


def converge(make_plan: Callable[[], Plan], max_steps: int = 32) -> list[str]:
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
        perform(step)
        done.append(step.summary)
    raise Stuck(f"gave up after {max_steps} steps: {done[-3:]}")
