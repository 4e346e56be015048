# A small application protected by modsec_py's WSGI middleware (what `make run` serves).
# Your own application's WSGI script does the same:  application = ModSecurityMiddleware(app)
from modsec_py.connectors.demo import demo_app
from modsec_py.connectors.wsgi import ModSecurityMiddleware

application = ModSecurityMiddleware(demo_app)
