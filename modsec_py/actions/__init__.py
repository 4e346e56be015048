"""modsec_py.actions."""
