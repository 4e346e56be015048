"""Connectors: how requests reach the engine from Apache (mod_wsgi) or any WSGI server.

- :mod:`~modsec_py.connectors.wsgi`: ``ModSecurityMiddleware`` wraps a WSGI app (all five phases).
- :mod:`~modsec_py.connectors.proxy`: ``ReverseProxy``, a WSGI app that forwards to an upstream
  URL; wrapped in the middleware it protects any HTTP backend (PHP, another vhost, ...).
- :mod:`~modsec_py.connectors.access`: ``allow_access`` for mod_wsgi's ``WSGIAccessScript``
  (phase 1 only) in front of content Apache serves itself.

Connectors use the engine's public API only (``modsec_py.WAF`` and its transactions).
"""

from __future__ import annotations
