# Declared jobs made ready, never run here: running them is heavy work the owner or the agents start.
# Included after shares (and so after the pools and datasets the jobs act in), before the panel: a job the
# box refuses (a symlink out of its pool) then never holds up accounts or file service.
include:
  - sigmavault.compression.jobs
