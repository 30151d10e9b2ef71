"""Run the system's tools; a failure becomes an error that says what ran and what it printed."""

import subprocess


class CommandError(RuntimeError):
    def __init__(self, argv: list[str], returncode: int, output: str):
        self.argv, self.returncode, self.output = argv, returncode, output.strip()
        super().__init__(f"`{' '.join(argv)}` failed ({returncode}): {self.output or 'no output'}")


def run_result(argv: list[str]) -> subprocess.CompletedProcess:
    """Run argv without a shell; the caller reads returncode, stdout and stderr."""
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def run(argv: list[str], ok_codes: tuple[int, ...] = (0,)) -> str:
    """Run argv and return its stdout; raise CommandError on an unexpected exit code."""
    done = run_result(argv)
    if done.returncode not in ok_codes:
        raise CommandError(argv, done.returncode, done.stderr or done.stdout)
    return done.stdout
