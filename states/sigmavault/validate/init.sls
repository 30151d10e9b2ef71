# Nothing else runs when the pillar or the disks it names are wrong.
validate_pillar_and_disks:
  sigmavault_pillar.validated:
    - order: 1
    - failhard: True
