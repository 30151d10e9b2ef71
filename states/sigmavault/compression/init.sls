# Declared jobs made ready, never run here: running them is heavy work the owner or the agents start.
include:
  - sigmavault.compression.jobs
