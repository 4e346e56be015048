# modsec_py header keeper (WSGIAccessScript, security2_py.conf): copies Apache's request header
# table for modsec_py before mod_wsgi drops the names it dislikes (X_Filename). Never denies.
from modsec_py.connectors.raw_headers import allow_access  # noqa: F401
