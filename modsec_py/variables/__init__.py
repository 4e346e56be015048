"""modsec_py.variables."""
