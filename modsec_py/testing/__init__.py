"""Test helpers shipped with modsec_py (as mitmproxy ships its own).

Modules are imported explicitly, e.g. ``modsec_py.testing.fake_tx`` (a fake of the narrow
transaction view operators see) and ``modsec_py.testing.ftw`` (the CRS regression tests).
"""
