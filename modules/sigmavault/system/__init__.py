"""sigmavault.system: the box's own name and clock."""
