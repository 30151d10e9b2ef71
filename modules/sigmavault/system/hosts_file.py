"""/etc/hosts names the box on 127.0.1.1 (Debian's convention), so that tools resolving their own host name
(sudo, make-ssl-cert) find it without DNS."""

LOOPBACK_NAME_ADDRESS = "127.0.1.1"

DEBIAN_DEFAULT = """127.0.0.1\tlocalhost
::1\t\tlocalhost ip6-localhost ip6-loopback
ff02::1\t\tip6-allnodes
ff02::2\t\tip6-allrouters
"""


def _fields(line: str) -> list[str]:
    """A hosts line's address and names, without its comment."""
    return line.split("#", 1)[0].split()


def names_on(text: str, address: str) -> list[str]:
    return [name for line in text.splitlines() if (fields := _fields(line))[:1] == [address] for name in fields[1:]]


def with_host_name(text: str | None, name: str) -> str:
    """The hosts file with `name` on 127.0.1.1; a file that already names it there comes back unchanged,
    another name there is replaced, and the owner's other lines are kept."""
    text = DEBIAN_DEFAULT if not (text or "").strip() else text
    if name in names_on(text, LOOPBACK_NAME_ADDRESS):
        return text
    entry = f"{LOOPBACK_NAME_ADDRESS}\t{name}"
    kept = [line for line in text.splitlines() if _fields(line)[:1] != [LOOPBACK_NAME_ADDRESS]]
    after = next((i + 1 for i, line in enumerate(kept) if _fields(line)[:1] == ["127.0.0.1"]), 0)
    return "\n".join(kept[:after] + [entry] + kept[after:]) + "\n"
