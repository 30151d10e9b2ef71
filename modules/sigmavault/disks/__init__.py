"""Block devices of the box: what is there, who it is, and what it already holds."""
