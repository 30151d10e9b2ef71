"""Where a share's data lives: a pool's mountpoint, or a dataset (subvolume) under it."""

from pathlib import PurePosixPath

# Read-only snapshots of pool/dataset live in <pool mountpoint>/.snapshots/<dataset>/@GMT-…,
# outside the dataset so they are not copied into snapshots of it; shadow_copy2 reads the names.
SNAPSHOT_ROOT = ".snapshots"
SNAPSHOT_FORMAT = "@GMT-%Y.%m.%d-%H.%M.%S"


def split_ref(ref: str) -> tuple[str, str | None]:
    pool, _, dataset = ref.partition("/")
    return pool, dataset or None


def ref_exists(storage: dict, ref: str) -> bool:
    pool, dataset = split_ref(ref)
    spec = storage.get("pools", {}).get(pool)
    return spec is not None and (dataset is None or dataset in spec.get("datasets", {}))


def own_mountpoint(storage: dict, ref: str) -> str | None:
    """Where a dataset is mounted on its own (its mountpoint key); None for a pool or an unmounted dataset."""
    pool, dataset = split_ref(ref)
    return storage["pools"][pool]["datasets"][dataset]["mountpoint"] if dataset else None


def data_path(storage: dict, ref: str) -> str:
    """The directory a share serves: the dataset's own mount when it has one (a mount is what NFS-Ganesha
    can serve), else its folder under the pool. ref must exist (the pillar rules say so first)."""
    pool, dataset = split_ref(ref)
    root = PurePosixPath(storage["pools"][pool]["mountpoint"])
    return own_mountpoint(storage, ref) or (str(root / dataset) if dataset else str(root))


def snapshot_dir(storage: dict, ref: str) -> str:
    pool, dataset = split_ref(ref)
    return str(PurePosixPath(storage["pools"][pool]["mountpoint"]) / SNAPSHOT_ROOT / (dataset or "@pool"))


def pool_type(storage: dict, ref: str) -> str:
    return storage["pools"][split_ref(ref)[0]]["type"]
