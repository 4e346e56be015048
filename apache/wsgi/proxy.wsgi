# modsec_py reverse proxy: all five phases, then the request goes to the upstream named by
# the location's  SetEnv MODSEC_PY_UPSTREAM http://host:port  (and SetEnv MODSEC_PY_CONFIG
# for a SecLang entry file of its own).
from modsec_py.connectors.proxy import application  # noqa: F401
