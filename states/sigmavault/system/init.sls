configure_host_name_and_time_zone:
  sigmavault_system.host_configured:
    - name: host
    - require:
      - sigmavault_pillar: validate_pillar_and_disks
