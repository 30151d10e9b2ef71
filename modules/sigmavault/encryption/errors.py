"""What can go wrong with sealed values, in words a NAS owner can act on."""


class SealedError(Exception):
    """Base class: a value or file that cannot be sealed or opened; the message says what to do."""


class CannotOpen(SealedError):
    """A sealed value or data key does not open: wrong key, or the ciphertext was changed or moved."""


class NoNodeKey(SealedError):
    """This box has no node identity yet."""
