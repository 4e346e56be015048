# Access script of www.example.org: names the site's SecLang entry file.
from modsec_py.connectors.access import make_allow_access

allow_access = make_allow_access("/etc/modsec_py/sites/www.conf")
