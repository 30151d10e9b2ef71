"""How the CLI (and later the panel) reach Salt: a masterless config and salt-call runs."""
