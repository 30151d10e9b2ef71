"""mdadm.conf: its ARRAY entries as `mdadm --detail --brief` prints them, parsed, rendered and replaced."""

import shlex


def parse_array_line(text: str) -> dict[str, str] | None:
    """One ARRAY entry as `mdadm --detail --brief` prints it and mdadm.conf holds it (the keyword may be
    abbreviated, tags are case-insensitive): {"device": "/dev/md/tank", "metadata": "1.2", "uuid": …}."""
    words = _uncommented(text)
    try:
        words = shlex.split(words)
    except ValueError:
        words = words.split()
    if len(words) < 2 or len(words[0]) < 3 or not "ARRAY".startswith(words[0].upper()):
        return None
    entry = {"device": words[1]}
    for word in words[2:]:
        key, sep, value = word.partition("=")
        if sep:
            entry[key.lower()] = value.lower() if key.lower() == "uuid" else value
    return entry


def parse_detail_brief(text: str) -> dict[str, str] | None:
    entries = [parse_array_line(entry) for entry in _entries(text)]
    return next((entry for entry in entries if entry), None)


def render_array_line(device: str, metadata: str, uuid: str) -> str:
    """The ARRAY line that assembles the array under its own name, on this box or any other (by UUID alone)."""
    return f"ARRAY {device} metadata={metadata} UUID={uuid}"


def same_array(one: dict, other: dict) -> bool:
    return one["device"] == other["device"] or (bool(one.get("uuid")) and one.get("uuid") == other.get("uuid"))


def conf_line_for(text: str, device: str, uuid: str | None) -> str | None:
    wanted = {"device": device, "uuid": (uuid or "").lower()}
    for entry in _entries(text):
        parsed = parse_array_line(entry)
        if parsed and same_array(parsed, wanted):
            return entry
    return None


def with_array_line(text: str, line: str) -> str:
    """mdadm.conf text with line replacing every ARRAY entry for the same device or UUID, or appended."""
    new = parse_array_line(line)
    groups: list[list[str]] = []
    for physical in text.splitlines():
        if physical[:1] in (" ", "\t") and groups:
            groups[-1].append(physical)
        else:
            groups.append([physical])
    kept = [group for group in groups if not _is_entry_for(" ".join(group), new)]
    return "\n".join([*(physical for group in kept for physical in group), line]) + "\n"


def _is_entry_for(text: str, new: dict | None) -> bool:
    parsed = parse_array_line(text)
    return bool(parsed and new and same_array(parsed, new))


def _uncommented(line: str) -> str:
    """mdadm.conf: a word that begins with '#' starts a comment running to the end of the line."""
    words = line.split()
    cut = next((i for i, word in enumerate(words) if word.startswith("#")), len(words))
    return " ".join(words[:cut])


def _entries(text: str) -> list[str]:
    """Logical lines: a line starting with a blank continues the one before it."""
    entries: list[str] = []
    for physical in text.splitlines():
        words = _uncommented(physical)
        if physical[:1] in (" ", "\t") and entries:
            entries[-1] = f"{entries[-1]} {words}".strip()
        elif words:
            entries.append(words)
    return entries
