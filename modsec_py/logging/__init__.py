"""ModSecurity v2's three logs: the error log, the audit log and the debug log.

:class:`Logs` holds a WAF's writers (built once, shared by its threads) and writes a
finished transaction; :func:`error_log_lines` gives the error-log text of a transaction;
:func:`use_stream` sends the error log of a request to the connector's stream.
"""

from __future__ import annotations

from modsec_py.logging.errorlog import ErrorLogSink, error_log_lines, use_stream
from modsec_py.logging.logs import Logs

__all__ = ["ErrorLogSink", "Logs", "error_log_lines", "use_stream"]
