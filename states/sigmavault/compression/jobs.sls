# Each archive job's target folder exists, and no job's source or target leads out of its pools.
prepare_compression_jobs:
  sigmavault_compression.jobs_ready:
    - name: compression
    - require:
      - sigmavault_pillar: validate_pillar_and_disks
