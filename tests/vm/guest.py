"""One SigmaVault box in QEMU (TCG), reached from the host over forwarded loopback ports.

A check from another capability needs only `Guest.ssh` (a command in the guest, as root) and the forwarded
ports in `Guest.ports` (ssh, smb, http, https); see tests/vm/README.md.
"""

import socket
import subprocess
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import testinfra

GUEST_PORTS = {"ssh": 22, "smb": 445, "http": 80, "https": 443}
# Every boot makes new host keys: none is remembered or checked.
SSH_OPTIONS = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Disk:
    image: Path
    serial: str
    fmt: str = "qcow2"


@dataclass
class DirectBoot:
    """Boot this kernel and initramfs without firmware boot loader (much faster under TCG)."""
    kernel: Path
    initrd: Path
    append: str = "root=LABEL=SVROOT rw"


@dataclass(frozen=True)
class Machine:
    """What QEMU emulates for one Debian architecture, and where that machine's serial console is."""
    qemu: str
    options: tuple[str, ...]
    serial: str                 # the console's name in the guest (console=…)
    cdrom_options: tuple[str, ...]  # how the CD-ROM drive is attached ({} is the ISO)


MACHINES = {
    "amd64": Machine("qemu-system-x86_64", ("-machine", "q35", "-cpu", "max"), "ttyS0",
                     ("-drive", "file={},media=cdrom,readonly=on")),
    # virt has no IDE: the CD sits on virtio-scsi. pauth-impdef: QEMU's own pointer-authentication
    # algorithm, much faster to emulate than the architected one.
    "arm64": Machine("qemu-system-aarch64", ("-machine", "virt", "-cpu", "max,pauth-impdef=on"), "ttyAMA0",
                     ("-device", "virtio-scsi-pci", "-device", "scsi-cd,drive=cd",
                      "-drive", "if=none,id=cd,file={},media=cdrom,readonly=on")),
}


@dataclass
class Guest:
    disks: list[Disk]
    ssh_key: Path
    console_log: Path
    boot: DirectBoot | None = None          # None: the firmware boots the first disk (or the CD-ROM)
    cdrom: Path | None = None
    firmware: Path | None = None            # e.g. OVMF for UEFI; None: QEMU's SeaBIOS
    arch: str = "amd64"                     # a key of MACHINES
    memory_mb: int = 2048
    ports: dict[str, int] = field(default_factory=lambda: {name: free_port() for name in GUEST_PORTS})
    process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        forwards = ",".join(f"hostfwd=tcp:127.0.0.1:{self.ports[name]}-:{port}" for name, port in GUEST_PORTS.items())
        machine = MACHINES[self.arch]
        argv = [machine.qemu, "-accel", "tcg,thread=multi", *machine.options, "-smp", "2",
                "-m", str(self.memory_mb), "-nographic",
                # append: a guest started again (reboot with new boot files) keeps the earlier boots' lines
                "-chardev", f"file,id=console,path={self.console_log},append=on", "-serial", "chardev:console",
                "-monitor", "none",
                "-netdev", f"user,id=net0,{forwards}", "-device", "virtio-net-pci,netdev=net0"]
        if self.boot:
            argv += ["-kernel", str(self.boot.kernel), "-initrd", str(self.boot.initrd),
                     "-append", f"{self.boot.append} console={machine.serial},115200n8"]
        if self.firmware:
            argv += ["-bios", str(self.firmware)]
        if self.cdrom:
            argv += [option.format(self.cdrom) for option in machine.cdrom_options]
        for number, disk in enumerate(self.disks):
            # The serial is what /dev/disk/by-id/virtio-<serial> shows in the guest; the firmware boots disk 0.
            first = ",bootindex=0" if number == 0 and not self.boot else ""
            argv += ["-drive", f"file={disk.image},format={disk.fmt},if=none,id=disk{number}",
                     "-device", f"virtio-blk-pci,drive=disk{number},serial={disk.serial}{first}"]
        return argv

    def start(self) -> None:
        """Start QEMU; the console log keeps what earlier boots of this guest wrote."""
        self.console_log.touch()
        self.process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)

    def console(self) -> str:
        return self.console_log.read_text(errors="replace")

    def ssh_argv(self, command: str) -> list[str]:
        return ["ssh", "-q", "-i", str(self.ssh_key), "-p", str(self.ports["ssh"]), "-o", "BatchMode=yes",
                *SSH_OPTIONS, "-o", "ConnectTimeout=10", "root@127.0.0.1", command]

    def ssh(self, command: str, check: bool = True, timeout: float = 600, stdin: str | None = None):
        result = subprocess.run(self.ssh_argv(command), input=stdin, capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"guest command failed ({result.returncode}): {command}\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result

    def host(self):
        """The guest as a testinfra host (over the same ssh)."""
        return testinfra.get_host(f"ssh://root@127.0.0.1:{self.ports['ssh']}", ssh_identity_file=str(self.ssh_key),
                                  ssh_extra_args=" ".join(SSH_OPTIONS))

    def wait_until(self, what: str, ready, timeout: float) -> None:
        """Poll `ready()` until true; a dead QEMU or the deadline fails with the console's last lines."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.exited()} waiting for {what}\n{self.tail()}")
            try:
                if ready():
                    return
            except (subprocess.TimeoutExpired, OSError):
                pass
            time.sleep(3)
        raise AssertionError(f"gave up waiting for {what} after {timeout:.0f} s\n{self.tail()}")

    def wait_for_ssh(self, timeout: float = 900) -> None:
        self.wait_until("ssh", lambda: self.ssh("true", check=False, timeout=30).returncode == 0, timeout)

    def wait_for_console(self, text: str, timeout: float = 1200, after: int = 0, failure: str | None = None) -> None:
        """Wait for `text` on the console; `failure` on the console ends the wait at once."""
        def seen() -> bool:
            shown = self.console()[after:]
            if failure and failure in shown:
                raise AssertionError(f"the console says {failure!r}\n{self.tail(80)}")
            return text in shown
        self.wait_until(f"console line {text!r}", seen, timeout)

    def fetch(self, path: str, to: Path) -> Path:
        """Copy a file out of the guest (`path` may use the shell, e.g. $(uname -r))."""
        with to.open("wb") as out:
            subprocess.run(self.ssh_argv(f"cat {path}"), stdout=out, check=True, timeout=300)
        return to

    def reboot(self, timeout: float = 900) -> None:
        """Reboot as the box's boot loader would: with the kernel and initramfs the box holds now (a
        converge may have rebuilt the initramfs, e.g. to assemble its md arrays under their names)."""
        mark = len(self.console())
        if self.boot:
            here = self.console_log.parent
            self.boot = replace(self.boot, kernel=self.fetch("/boot/vmlinuz-$(uname -r)", here / "boot-vmlinuz"),
                                initrd=self.fetch("/boot/initrd.img-$(uname -r)", here / "boot-initrd.img"))
            self.ssh("systemctl poweroff", check=False, timeout=30)
            self.wait_for_exit(timeout)
            self.start()
        else:
            self.ssh("systemctl reboot", check=False, timeout=30)
        # The console shows the kernel starting again before ssh can answer the new boot.
        self.wait_for_console("Linux version", timeout=timeout, after=mark)
        self.wait_for_ssh(timeout)

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.console().splitlines()[-lines:])

    def wait_for_exit(self, timeout: float) -> int:
        """Wait for the guest to power itself off."""
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the guest did not power off within {timeout:.0f} s\n{self.tail()}") from None
        if code != 0:
            raise AssertionError(self.exited())
        return code

    def exited(self) -> str:
        return f"QEMU exited ({self.process.returncode}): {self.process.stderr.read().decode(errors='replace')}"

    def kill(self) -> None:
        """Pull the plug (for a guest nothing is kept from)."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.ssh("systemctl poweroff", check=False, timeout=30)
            try:
                self.process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.kill()
