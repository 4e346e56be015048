# modsec_py access hook (WSGIAccessScript): phase 1 for what Apache serves itself, with the
# default SecLang entry file. A site with its own entry file uses a copy of this script:
#     from modsec_py.connectors.access import make_allow_access
#     allow_access = make_allow_access("/etc/modsec_py/sites/static.conf")
from modsec_py.connectors.access import allow_access  # noqa: F401
