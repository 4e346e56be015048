"""``@inspectFile``: run an external program on a file (e.g. an upload) and read its verdict.

v2 (``apache2_exec``) runs ``/bin/sh -c "<argument> <value>"`` (the argument as written, not
resolved against the rule file; the two joined by a space, unquoted), with stdin and stderr
not redirected, and reads the first chunk (at most 255 bytes) of its output up to the first
newline. Output starting with ``1`` approves the file (no match); any other output rejects
it (a match); no output at all, or a failure to run, is an operator error. The environment
is v2's minimal one: PATH, PATH_TRANSLATED (the program) and REDIRECT_STATUS=302 (v2 adds
the request's CGI variables, which operators cannot see). Lua scripts are refused at load.
Example: ``SecRule FILES_TMPNAMES "@inspectFile /usr/local/bin/runav.pl" "id:1"``.
Match text: ``File "<value>" rejected by the approver script "<argument>": <first line>``
"""

from __future__ import annotations

import os
import selectors
import subprocess

from modsec_py.operators._base import (
    CompileContext,
    Operator,
    OperatorError,
    OperatorTx,
    cstr,
    log_escape,
    log_escape_nq,
    operator,
)

TIMEOUT_SECONDS = 60.0  # Apache's Timeout default, which v2 sets on the pipe
_FIRST_READ = 255


def run_approver(script: str, target: bytes, timeout: float = TIMEOUT_SECONDS) -> bytes | None:
    """The first output line of ``sh -c "<script> <target>"``, or None if it failed or was silent."""
    environment = {"PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
                   "PATH_TRANSLATED": script, "REDIRECT_STATUS": "302"}
    command = script.encode("latin-1") + b" " + target
    try:
        process = subprocess.Popen([b"/bin/sh", b"-c", command], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, bufsize=0, env=environment)
    except OSError:
        return None
    assert process.stdout is not None
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                process.kill()
                return None
            first = os.read(process.stdout.fileno(), _FIRST_READ)
        while os.read(process.stdout.fileno(), 65536):  # soak up the rest, as v2 does
            pass
    finally:
        process.stdout.close()
        process.wait()
    if not first:
        return None
    return cstr(first).split(b"\n", 1)[0]


@operator("inspectFile")
class InspectFile(Operator):
    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        target = cstr(value)
        tx.debug(4, f"Executing {self.argument} to inspect {target.decode('latin-1')}.")
        output = run_approver(self.argument, target)
        if output is None:
            raise OperatorError(
                f'Execution of the approver script "{log_escape(self.argument.encode("latin-1"))}" '
                "failed (invocation failed).")
        tx.debug(4, f'Exec: First line from script output: "{log_escape(output)}"')
        if output.startswith(b"1"):
            return None
        return (target, output)

    def message(self, detail: object, var_name: str) -> str:
        target, output = detail  # type: ignore[misc]
        script = log_escape(self.argument.encode("latin-1"))
        return f'File "{log_escape(target)}" rejected by the approver script "{script}": {log_escape_nq(output)}'
