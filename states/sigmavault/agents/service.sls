# config.json for the service, its systemd unit (on a systemd box) and the service running as declared.
run_agent_service:
  sigmavault_agents.service_running:
    - name: agents
    - require:
      - sigmavault_pillar: validate_pillar_and_disks
