"""mod_wsgi's ``WSGIAccessScript`` hook: phase 1 for content Apache serves itself.

::

    # access.wsgi (its path given to WSGIAccessScript)
    from modsec_py.connectors.access import allow_access                # the default entry file
    # or:  allow_access = make_allow_access("/etc/modsec_py/sites/static.conf")

Apache calls ``allow_access(environ, host)`` before it serves a static file, a PHP script
or anything else under the location. The hook runs phase 1 (request line, headers, query
arguments), phase 2 without the body (as with SecRequestBodyAccess Off: for a request that
has no body this is exactly v2's phase 2, and CRS evaluates arguments in phase 2), then
phase 5. It cannot see the request body or the response. An interruption returns False,
and Apache answers 403 whatever status the rule asked for.
Otherwise it returns None, so Apache's own access control still decides. mod_wsgi builds
this environ before ``SetEnv`` runs, so the site names its entry file in its own access
script. With ``WSGIPassApacheRequest On``, sub-requests are skipped (as v2 skips them),
``drop`` really closes the connection, and requests mod_wsgi handles (``WSGIScriptAlias``)
are left to the middleware that wraps the application: the hook only keeps Apache's header
table for it (:mod:`~modsec_py.connectors.raw_headers`). ``security2_py.conf`` installs this
hook for ``/``, so ``a2enmod security2_py`` protects what Apache serves, as v2 does. With no
good ruleset it denies (``MODSEC_PY_FAILURE_MODE=closed``) or lets Apache decide (``open``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

from modsec_py.connectors import engine_view, raw_headers
from modsec_py.connectors.apache_rec import ApacheRequest
from modsec_py.connectors.errorlog import ErrorLog
from modsec_py.connectors.registry import RulesetUnavailable, entry_file, waf_for
from modsec_py.connectors.request import request_info
from modsec_py.connectors.wsgi import hostname

WSGI_HANDLER = "wsgi-script"  # set by mod_wsgi's translate hook for WSGIScriptAlias, before access checks

AccessHook = Callable[[Mapping[str, Any], str | None], bool | None]


def make_allow_access(config: str | None = None, *, waf: Any = None) -> AccessHook:
    """An ``allow_access`` that uses the entry file ``config`` (else the request's or the default)."""

    def allow_access(environ: Mapping[str, Any], host: str | None = None) -> bool | None:
        return check(environ, config=config, waf=waf)

    return allow_access


def check(environ: Mapping[str, Any], *, config: str | None = None, waf: Any = None) -> bool | None:
    """False: deny (Apache answers 403). None: no objection."""
    apache = ApacheRequest.from_environ(environ)
    if apache is not None:
        raw_headers.keep(environ, apache)  # for the handler (mod_wsgi drops names with "_")
        if apache.is_subrequest or apache.handler == WSGI_HANDLER:
            return None  # v2 skips sub-requests; a WSGI application is the middleware's to inspect
    info = request_info(environ, apache)
    stream = environ.get("wsgi.errors") or sys.stderr
    if waf is None:
        path = entry_file(_with_apache_env(environ, info), config)
        try:
            waf = waf_for(path, environ)
        except RulesetUnavailable as error:  # the hook can only deny (403) or let Apache decide
            return None if error.fail_open else False
    tx = waf.new_transaction(info.client_ip, info.client_port, info.server_ip, info.server_port)
    if info.unique_id:
        tx.set_unique_id(info.unique_id)
    log = ErrorLog(stream, hostname(info, environ), info.path,
                   info.unique_id or engine_view.unique_id(tx))
    tx.process_uri(info.uri, info.method, info.protocol, line=info.request_line)
    if engine_view.engine_mode(tx) == "Off":
        return None
    for name, value in info.headers:
        tx.add_request_header(name, value)
    try:
        interruption = tx.process_request_headers()
        if interruption is None and engine_view.engine_mode(tx) != "Off":
            # The body belongs to Apache's handler: phase 2 runs as if SecRequestBodyAccess were Off,
            # which for a request without a body is exactly what v2 does (CRS inspects ARGS in phase 2).
            tx.request_body_access = False
            interruption = tx.process_request_body()
        if interruption is not None and interruption.action == "drop" and info.apache is not None:
            info.apache.drop()
        if interruption is not None:
            tx.process_response_headers(403, "HTTP/1.1")
    finally:
        with log.engine_lines():
            tx.process_logging()
    return False if interruption is not None else None


def _with_apache_env(environ: Mapping[str, Any], info: Any) -> Mapping[str, Any]:
    """The access environ lacks the request's variables; Apache's record has them (SetEnvIf)."""
    if info.apache is None:
        return environ
    configured = info.apache.env("MODSEC_PY_CONFIG")
    return {**environ, "MODSEC_PY_CONFIG": configured} if configured else environ


allow_access = make_allow_access()
