"""modsec_py.operators."""
