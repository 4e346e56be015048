"""Tests of modsec_py.bodyprocessors (expected values checked against Debian's ModSecurity 2.9.7)."""
