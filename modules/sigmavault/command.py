"""Run the system's tools; a failure becomes an error that says what ran and what it printed."""

import subprocess


class CommandError(RuntimeError):
    def __init__(self, argv: list[str], returncode: int, output: str):
        self.argv, self.returncode, self.output = argv, returncode, output.strip()
        super().__init__(f"`{' '.join(argv)}` failed ({returncode}): {self.output or 'no output'}")


# The Debian package that brings each tool SigmaVault runs, for the message when one is missing.
PACKAGE_OF = {"btrfs": "btrfs-progs", "mkfs.btrfs": "btrfs-progs", "compsize": "btrfs-compsize",
              "lsattr": "e2fsprogs", "chattr": "e2fsprogs", "mkfs.ext4": "e2fsprogs", "mkfs.xfs": "xfsprogs",
              "blkid": "util-linux", "wipefs": "util-linux", "losetup": "util-linux", "mount": "mount",
              "mdadm": "mdadm", "smbd": "samba", "testparm": "samba-common-bin", "smbcontrol": "samba-common-bin",
              "smbpasswd": "samba-common-bin", "pdbedit": "samba", "setfacl": "acl", "getfacl": "acl",
              "ganesha.nfsd": "nfs-ganesha nfs-ganesha-vfs", "exportfs": "nfs-kernel-server", "rpcbind": "rpcbind",
              "cryptsetup": "cryptsetup-bin", "useradd": "passwd", "usermod": "passwd", "groupadd": "passwd",
              "groupmod": "passwd"}


def run_result(argv: list[str], stdin: str | bytes | None = None) -> subprocess.CompletedProcess:
    """Run argv without a shell; the caller reads returncode, stdout and stderr (always text).

    stdin carries what must not stand in argv (a password, a volume key as bytes): argv is visible
    to every process.
    """
    try:
        if isinstance(stdin, bytes):
            done = subprocess.run(argv, capture_output=True, check=False, input=stdin)
            done.stdout, done.stderr = done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")
            return done
        return subprocess.run(argv, capture_output=True, text=True, check=False, input=stdin)
    except FileNotFoundError as missing:
        package = PACKAGE_OF.get(argv[0], "the package that provides it")
        raise CommandError(argv, 127, f"{argv[0]} is not installed: install {package}") from missing


def run(argv: list[str], ok_codes: tuple[int, ...] = (0,), stdin: str | bytes | None = None) -> str:
    """Run argv and return its stdout; raise CommandError on an unexpected exit code."""
    done = run_result(argv, stdin)
    if done.returncode not in ok_codes:
        raise CommandError(argv, done.returncode, done.stderr or done.stdout)
    return done.stdout
