"""modsec_py.seclang."""
