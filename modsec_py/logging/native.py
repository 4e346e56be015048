"""The native audit log format (``sec_audit_logger_native``): ``--boundary-X--`` sections.

Parts in v2's order: A (always), B, C (or I when the body is not multipart), I, F, E, H,
J, K, Z (always); D and G are accepted and never written, as in v2. Each section header
starts with a newline (so a part that ends without one is followed by a blank-free
header), and a serial entry ends with one more newline after ``--boundary-Z--``.
"""

from __future__ import annotations

from modsec_py.logging.entry import AuditEntry
from modsec_py.logging.status import status_line
from modsec_py.logging.text import log_escape

__all__ = ["render_native"]


def _header(boundary: str, part: str) -> bytes:
    return f"\n--{boundary}-{part}--\n".encode()


def _escape(text: str) -> str:
    return log_escape(text.encode("latin-1", "replace"))


def render_native(entry: AuditEntry, boundary: str) -> bytes:
    """One entry, from ``--boundary-A--`` to ``--boundary-Z--\\n`` (no trailing blank line)."""
    out: list[bytes] = [f"--{boundary}-A--\n".encode()]
    data = entry.data
    out.append(f"[{entry.time}] {entry.unique_id} {data.remote_addr.decode('latin-1')} {data.remote_port} "
               f"{data.server_addr.decode('latin-1')} {data.server_port}".encode("latin-1"))
    if entry.has("B"):
        out.append(_header(boundary, "B"))
        out.append(entry.request_line + b"\n")
        out.extend(name + b": " + value + b"\n" for name, value in entry.request_headers())
    if entry.has("C") or (entry.has("I") and not entry.is_multipart):
        body = entry.request_body
        if body is not None:
            out.append(_header(boundary, "C"))
            out.append(body)
    if entry.has("I") and entry.is_multipart and entry.request_body is not None:
        out.append(_header(boundary, "I"))
        out.append(entry.fake_body())
    if entry.has("F"):
        out.append(_header(boundary, "F"))
        if entry.response_sent:
            protocol = data.response_protocol or b"HTTP/1.1"
            out.append(protocol + b" " + status_line(data.response_status).encode() + b"\n")
            out.extend(name + b": " + value + b"\n" for name, value in entry.response_headers())
    wrote_response_body = False
    if entry.has("E") and entry.response_body is not None:
        out.append(_header(boundary, "E"))
        out.append(entry.response_body)
        wrote_response_body = True
    if entry.has("H"):
        out.append(_header(boundary, "H"))
        out.append(_trailer(entry, wrote_response_body).encode("latin-1", "replace"))
    uploads = entry.uploads() if entry.has("J") else []
    if entry.has("J") and entry.is_multipart:
        out.append(_header(boundary, "J"))
        for number, size, name in uploads:
            out.append(f'{number},{size},"{log_escape(name)}","<Unknown ContentType>"\n'.encode("latin-1"))
        out.append(f"Total,{sum(size for _number, size, _name in uploads)}\n".encode())
    if entry.has("K"):
        out.append(_header(boundary, "K"))
        out.append(_matched_rules(entry).encode("latin-1", "replace"))
    out.append(_header(boundary, "Z"))
    return b"".join(out)


def _trailer(entry: AuditEntry, wrote_response_body: bool) -> str:
    lines = [f"Message: {message}" for message in entry.messages]
    lines += [f"Apache-Error: {message}" for message in entry.error_messages]
    intercepted = entry.intercepted
    if intercepted is not None:
        lines.append(f"Action: Intercepted (phase {intercepted[0]})")
    if entry.server.handler:
        lines.append(f"Apache-Handler: {entry.server.handler}")
    start, duration = entry.request_time_us, entry.duration_us
    lines.append(f"Stopwatch: {start} {duration} (- - -)")
    times = entry.stopwatch()
    combined = sum(times[key] for key in ("p1", "p2", "p3", "p4", "p5", "sw", "l", "gc"))
    detail = ", ".join(f"{key}={value}" for key, value in times.items())
    lines.append(f"Stopwatch2: {start} {duration}; combined={combined}, {detail}")
    if wrote_response_body:
        lines.append("Response-Body-Transformed: Dechunked")
    lines.append(f"Producer: {'; '.join(entry.producer)}.")
    if entry.server.software:
        lines.append(f"Server: {entry.server.software}")
    sanitisation = entry.sanitisation
    for title, names in (("Sanitised-Args", sanitisation.args), ("Sanitised-Request-Headers",
                                                                 sanitisation.request_headers),
                         ("Sanitised-Response-Headers", sanitisation.response_headers)):
        if names:
            lines.append(f"{title}: " + ", ".join(f'"{_escape(name)}"' for name in names) + ".")
    webapp = entry.webapp_info
    if webapp is not None:
        lines.append("WebApp-Info: " + " ".join(f'"{_escape(value) if value is not None else "-"}"'
                                                for value in webapp))
    if entry.sensor_id is not None:
        lines.append(f'Sensor-Id: "{_escape(entry.sensor_id)}"')
    if entry.engine_mode is not None:
        lines.append(f'Engine-Mode: "{entry.engine_mode}"')
    return "".join(f"{line}\n" for line in lines)


def _matched_rules(entry: AuditEntry) -> str:
    rules = entry.rules
    out: list[str] = []
    if rules is None:
        return ""
    for chain in entry.matched_chains():
        if len(chain.rules) == 1:
            out.append(f"{rules.unparsed(chain.rules[0])}\n\n")
            continue
        out.append(f"{rules.unparsed(chain.rules[0])}\n")
        for rule, matched in zip(chain.rules[1:], chain.matched[1:], strict=True):
            out.append(f"{'' if matched else '#'}{rules.unparsed(rule)}\n")
        out.append("\n")
    return "".join(out)
