"""modsec_py.rules."""
