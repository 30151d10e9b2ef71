"""A private view of the host for tests that add accounts and start daemons.

The test process enters a new mount namespace where /etc is a copy and the state folders of
Samba, NFS-Ganesha and rpcbind are empty folders, and a new network namespace with only loopback,
so useradd, pdbedit and the daemons work as on a box while the host's own files stay untouched and
its own smbd or rpcbind (a desktop may run them) keep their ports. Leaving kills what started
inside and goes back.
"""

import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
from pathlib import Path

CLONE_NEWNS, CLONE_NEWNET, CLONE_FS = 0x00020000, 0x40000000, 0x00000200
PRIVATE_DIRS = ("/var/lib/samba", "/var/cache/samba", "/run/samba", "/var/log/samba", "/var/lib/nfs",
                "/run/ganesha", "/var/log/ganesha", "/home")
_libc = ctypes.CDLL(None, use_errno=True)


def _call(name: str, *args) -> None:
    if getattr(_libc, name)(*args) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{name}: {os.strerror(errno)}")


def _namespace_of(pid: str) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/mnt")
    except OSError:
        return None


def _kill_inside(namespace: str) -> None:
    me = str(os.getpid())
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if pid != me and _namespace_of(pid) == namespace:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)


@contextlib.contextmanager
def private_host_files(root: Path):
    """Inside: /etc is root/etc (a copy of the host's); PRIVATE_DIRS are empty folders under root."""
    home, home_net = os.open("/proc/self/ns/mnt", os.O_RDONLY), os.open("/proc/self/ns/net", os.O_RDONLY)
    cwd = os.getcwd()
    _call("unshare", CLONE_NEWNS | CLONE_NEWNET)
    inside = os.readlink("/proc/self/ns/mnt")
    try:
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
        subprocess.run(["mount", "--make-rprivate", "/"], check=True)
        shutil.copytree("/etc", root / "etc", symlinks=True)
        subprocess.run(["mount", "--bind", str(root / "etc"), "/etc"], check=True)
        for folder in PRIVATE_DIRS:
            private = root / folder.strip("/").replace("/", "_")
            private.mkdir()
            Path(folder).mkdir(parents=True, exist_ok=True)
            subprocess.run(["mount", "--bind", str(private), folder], check=True)
        Path("/var/lib/samba/private").mkdir()
        yield
    finally:
        _kill_inside(inside)
        # Threads started inside (a web server's workers) share this thread's file system context, and
        # setns refuses to move a shared one: take a private copy first; those threads stay behind.
        _call("unshare", CLONE_FS)
        _call("setns", home, CLONE_NEWNS)
        _call("setns", home_net, CLONE_NEWNET)
        os.close(home)
        os.close(home_net)
        os.chdir(cwd)    # entering a mount namespace moves the process to its root
