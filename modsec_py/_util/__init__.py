"""Small helpers with no dependency on the rest of modsec_py."""
