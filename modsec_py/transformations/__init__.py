"""modsec_py.transformations."""
