# The panel signs owners in through the PAM service sigmavault-panel (its own file, not PAM's "other").
install_panel_pam_service:
  file.managed:
    - name: {{ salt['config.get']('sigmavault_etc', '/etc') }}/pam.d/sigmavault-panel
    - source: salt://sigmavault/panel/files/etc-pam.d-sigmavault-panel.j2
    - user: root
    - group: root
    - mode: '0644'
    - makedirs: True
    - require:
      - sigmavault_pillar: validate_pillar_and_disks
