"""modsec_py: a ModSecurity v2 compatible web application firewall for Apache, in Python."""

__version__ = "0.1.0"
