"""`python -m sigmavault.pillar_check FOLDER`: is FOLDER a data-only pillar? First boot runs it on the owner's
medium before anything is copied into place. Prints each problem (file, line, what to do); exit 1 if any."""

import sys
from pathlib import Path

from sigmavault.pillar_files import folder_problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m sigmavault.pillar_check FOLDER", file=sys.stderr)
        return 2
    problems = folder_problems(Path(argv[0]))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
