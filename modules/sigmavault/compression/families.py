"""Families of small similar files, and the trained dictionary each family gets when it pays off.

A family is the small files of one class sharing a suffix (``source:.py``, ``text:copyright``); suffixes
with too few files pool into their class (``text:*``). For each family the store's latest dictionary is
tried first, then a new one is trained on at most ``SAMPLE_BUDGET`` bytes of evenly spread samples
(zstd's default fastCover parameters: about 0.05 s per MiB; its optimising search is 10x slower for <2% gain). A
dictionary is used only if, measured on a spread of the family's files at the level they will get, the
bytes it saves across the family exceed its own size and at least MIN_GAIN of the output.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePosixPath

import zstandard

from .classes import DataClass
from .confined_files import ScannedFile
from .dictstore import DictionaryInfo, DictionaryStore

SAMPLE_BUDGET = 1 << 20
EVAL_BUDGET = 256 << 10
EVAL_LEVEL_MAX = 9  # a dictionary's gain barely depends on the level; measuring at 19 would be slow
MIN_FILES = 8
MIN_FAMILY_BYTES = 16 << 10
MIN_GAIN = 0.03
DICT_SIZE_MIN, DICT_SIZE_MAX = 4 << 10, 112 << 10


@dataclass(frozen=True)
class Member:
    path: ScannedFile  # read only through it: never a path a swapped symlink could redirect
    name: str
    size: int
    cls: DataClass


def family_key(name: str, cls: DataClass) -> str:
    path = PurePosixPath(name.lower())
    return f"{cls.value}:{path.suffix or path.name}"


def group(members: list[Member]) -> dict[str, list[Member]]:
    """Families with enough files and bytes to train on; small groups pool into ``<class>:*``."""
    by_key: dict[str, list[Member]] = defaultdict(list)
    for member in members:
        by_key[family_key(member.name, member.cls)].append(member)
    families: dict[str, list[Member]] = defaultdict(list)
    for key, group_members in by_key.items():
        cls = key.split(":", 1)[0]
        families[key if len(group_members) >= MIN_FILES else f"{cls}:*"].extend(group_members)
    return {
        key: sorted(found, key=lambda m: m.name)
        for key, found in families.items()
        if len(found) >= MIN_FILES and sum(m.size for m in found) >= MIN_FAMILY_BYTES
    }


def spread(members: list[Member], budget: int) -> list[bytes]:
    """Contents of members picked evenly across the (sorted) family until budget bytes are read."""
    total = sum(m.size for m in members)
    step = max(1, round(total / budget)) if budget < total else 1
    picked, used = [], 0
    for member in members[::step]:
        try:
            data = member.path.read_bytes()
        except OSError:
            continue
        picked.append(data)
        used += len(data)
        if used >= budget:
            break
    return picked


def _saving(dictionary: zstandard.ZstdCompressionDict | None, level: int, samples: list[bytes]) -> int:
    cctx = zstandard.ZstdCompressor(level=level, dict_data=dictionary, write_checksum=True)
    return sum(len(cctx.compress(s)) for s in samples)


def choose(
    store: DictionaryStore, key: str, members: list[Member], level: int
) -> tuple[DictionaryInfo, zstandard.ZstdCompressionDict] | None:
    """The dictionary this family should use, reusing the store's latest when it still pays off."""
    family_bytes = sum(m.size for m in members)
    if family_bytes < 2 * store.unhelpful_at(key):
        return None  # found not to pay at half this size or more; retrain only once the family doubles
    evaluation = spread(members, EVAL_BUDGET)
    if not evaluation:
        return None
    level = min(level, EVAL_LEVEL_MAX)
    plain = _saving(None, level, evaluation)
    family_out = plain * family_bytes / max(1, sum(len(s) for s in evaluation))
    if family_out < 8 * DICT_SIZE_MIN:
        return None  # even a small dictionary would cost about what it could save

    def pays(dictionary: zstandard.ZstdCompressionDict, new: bool) -> bool:
        saved = (plain - _saving(dictionary, level, evaluation)) / max(1, plain)
        return saved >= MIN_GAIN and saved * family_out > (len(dictionary.as_bytes()) if new else 0)

    latest = store.latest(key)
    if latest is not None and pays(store.load(latest.dict_id), new=False):
        return latest, store.load(latest.dict_id)
    samples = spread(members, SAMPLE_BUDGET)
    # A dictionary much larger than a quarter of the family's compressed output cannot pay for itself.
    size = int(min(DICT_SIZE_MAX, family_out / 4, sum(len(s) for s in samples) / 10))
    trained = None
    # zstd refuses to train on too little or too uniform data; the family then goes without.
    with contextlib.suppress(zstandard.ZstdError):
        if size >= DICT_SIZE_MIN:
            trained = zstandard.train_dictionary(size, samples)
    if trained is None or not pays(trained, new=True):
        store.mark_unhelpful(key, family_bytes)
        return None
    info = store.add(trained.as_bytes(), key, len(samples))
    return info, store.load(info.dict_id)
