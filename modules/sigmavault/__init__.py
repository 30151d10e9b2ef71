"""SigmaVault: the pure library behind the Salt modules, the CLI and the control panel."""
