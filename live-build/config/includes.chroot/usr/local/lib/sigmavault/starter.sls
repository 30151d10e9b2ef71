# The box's pillar, to be made its owner's: see /opt/sigmavault/pillar/sigmavault.sls for every key, annotated.
sigmavault:
  system:
    hostname: sigmavault
