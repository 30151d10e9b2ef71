"""Sealed pillar values: secrets that live in the pillar (and in git) only as ciphertext.

Start here:

* ``values``: one value sealed with AES-256-GCM, SOPS-shaped
  ``ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]``; its key path is associated data,
  so a value moved to another key no longer opens.
* ``sealfile``: a pillar file's sealed values and its ``sigmavault_sealed`` block
  (the per-file data key, wrapped as an age file to the node key and the owner's
  recovery recipients); ``open_data`` is what the ext_pillar calls.
* ``nodekey``: the box's own identity (``<state dir>/keys/node.age``, root-only).
* ``rotation``: ``reseal`` (new node key, every value resealed, old key retired last)
  and ``recover`` (a fresh box opens everything with an offline recovery key).
* ``backup``: btrfs snapshots as ``btrfs send | zstd | age`` files, restorable with stock tools.
* ``luks``: LUKS2 format / add key / header of volumes whose keys are sealed pillar values.

The library never imports Salt; ``modules/_pillar/sigmavault_pillar.py`` (the ext_pillar) is the adapter.
"""
