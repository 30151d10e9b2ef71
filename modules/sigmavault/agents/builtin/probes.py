"""Liveness probes that prove a service answers its own protocol, not merely that a pid exists.

A SIGSTOPped or deadlocked daemon keeps its pid and its listening socket (the kernel still completes the
TCP handshake), so each probe sends one real request and waits a bounded time for a well-formed reply:
  smb      an SMB2 NEGOTIATE (dialects 2.0.2 to 3.0.2) on TCP 445; the reply must be an SMB2 NEGOTIATE answer
  rpc      an ONC RPC NULL call (procedure 0) on TCP, straight to the port (no port mapper): by default to
           NFS (program 100003, version 4) on 2049
  netbios  a NetBIOS node status query (nmbd) on UDP 137, sent to the box's own network address: nmbd
           answers on its interfaces, never on loopback
  http     a GET of a path; answering means an HTTP status line, and with ok_only a 2xx status
No tool is spawned: the self-heal agent probes every 30 s, and a socket timeout is exact.

``problem(probe, timeout) -> str | None``: None when it answered, else one sentence saying how it did not.
"""

from __future__ import annotations

import errno
import http.client
import json
import os
import socket
import struct
from collections.abc import Callable

from sigmavault.command import run_result

SMB2_DIALECTS = (0x0202, 0x0210, 0x0300, 0x0302)
NFS_PROGRAM, NFS_VERSION = 100003, 4
MAX_REPLY = 1 << 16   # a negotiate or NULL reply is small; a larger length means another protocol answered


class NoWholeReply(OSError):
    """The service closed the connection before a whole reply came."""


def problem(probe: dict, timeout: float) -> str | None:
    check = CHECKS[probe["kind"]]
    host, port = probe.get("host", "127.0.0.1"), int(probe["port"])
    try:
        return check(host, port, timeout, probe)
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except NoWholeReply:
        return "it closed the connection without a whole reply"
    except OSError as error:
        return f"cannot reach it: {error.strerror or error}"


def _exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise NoWholeReply()
        data += chunk
    return data


def smb_negotiate(host: str, port: int, timeout: float, _probe: dict | None = None) -> str | None:
    header = struct.pack("<4sHHIHHIIQIIQ16s", b"\xfeSMB", 64, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, b"\0" * 16)
    body = struct.pack("<HHHHI16sQ", 36, len(SMB2_DIALECTS), 1, 0, 0, os.urandom(16), 0)
    message = header + body + struct.pack(f"<{len(SMB2_DIALECTS)}H", *SMB2_DIALECTS)
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        sock.sendall(struct.pack(">I", len(message)) + message)   # NetBIOS session header: type 0, length
        head = _exactly(sock, 4)
        length = struct.unpack(">I", head)[0] & 0xFFFFFF
        reply = _exactly(sock, length) if head[0] == 0 and length <= MAX_REPLY else b""
    if len(reply) < 70 or reply[:4] != b"\xfeSMB":
        return "it answered, but not with SMB2"
    status, command = struct.unpack_from("<IH", reply, 8)
    dialect = struct.unpack_from("<H", reply, 68)[0]
    if command != 0 or status != 0 or dialect not in SMB2_DIALECTS:
        return f"the SMB2 negotiate failed (status {status:#010x}, dialect {dialect:#06x})"
    return None


def rpc_null(host: str, port: int, timeout: float, probe: dict | None = None) -> str | None:
    program, version = (probe or {}).get("program", NFS_PROGRAM), (probe or {}).get("version", NFS_VERSION)
    xid = int.from_bytes(os.urandom(4), "big")
    call = struct.pack(">10I", xid, 0, 2, program, version, 0, 0, 0, 0, 0)   # CALL, RPC 2, AUTH_NONE
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        sock.sendall(struct.pack(">I", 0x80000000 | len(call)) + call)   # one last fragment
        length = struct.unpack(">I", _exactly(sock, 4))[0] & 0x7FFFFFFF
        reply = _exactly(sock, length) if length <= MAX_REPLY else b""
    if len(reply) < 24:
        return "it answered with a truncated RPC reply"
    got_xid, kind, accepted = struct.unpack_from(">3I", reply)
    if got_xid != xid or kind != 1:
        return "it answered, but not with the reply to our RPC call"
    if accepted != 0:
        return "it refused the RPC NULL call"
    at = 20 + (struct.unpack_from(">I", reply, 16)[0] + 3) // 4 * 4   # past the verifier, padded to 4 bytes
    if len(reply) < at + 4:
        return "it answered with a truncated RPC reply"
    accept_stat = struct.unpack_from(">I", reply, at)[0]
    return None if accept_stat == 0 else f"the RPC NULL call to program {program} v{version} failed " \
                                         f"(status {accept_stat})"


def _netbios_name(name: bytes) -> bytes:
    padded = name.ljust(16, b"\0")
    return bytes([32]) + bytes(c for b in padded for c in (0x41 + (b >> 4), 0x41 + (b & 0x0F))) + b"\0"


def box_address() -> str:
    """The box's first global IPv4 address (what nmbd serves); OSError when it has none."""
    done = run_result(["ip", "-j", "-4", "addr", "show", "scope", "global"])
    for link in json.loads(done.stdout or "[]") if done.returncode == 0 else []:
        for address in link.get("addr_info", []):
            return address["local"]
    raise OSError(errno.EADDRNOTAVAIL, "the box has no IPv4 address on a network interface")


def netbios_status(host: str, port: int, timeout: float, _probe: dict | None = None) -> str | None:
    host = box_address() if host == "box" else host
    transaction = int.from_bytes(os.urandom(2), "big")
    query = struct.pack(">6H", transaction, 0, 1, 0, 0, 0) + _netbios_name(b"*") + struct.pack(">2H", 0x21, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(query, (host, port))
        while True:    # a stray datagram is not our answer: wait on until the timeout
            reply = sock.recv(1024)
            if len(reply) >= 12 and struct.unpack_from(">H", reply)[0] == transaction:
                return None


def http_get(host: str, port: int, timeout: float, probe: dict | None = None) -> str | None:
    probe = probe or {}
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", probe.get("path", "/"), headers={"User-Agent": "sigmavault-self-heal"})
        status = connection.getresponse().status
    except http.client.HTTPException as error:
        return f"it answered, but not with HTTP ({type(error).__name__})"
    finally:
        connection.close()
    if probe.get("ok_only") and not 200 <= status < 300:
        return f"GET {probe.get('path', '/')} answered HTTP {status}"
    return None


CHECKS: dict[str, Callable[[str, int, float, dict], str | None]] = {
    "smb": smb_negotiate, "rpc": rpc_null, "netbios": netbios_status, "http": http_get}
