"""Persistent storage: SecDataDir and SecCollectionTimeout.

Arity and help text are v2.9.7's command table; validation and messages are its ``cmd_*``
handlers' (``apache2/apache2_config.c``). SecDataDir resolves against Apache's ServerRoot;
like v2, the directory is not checked when the directive is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modsec_py.seclang.directives._common import atoi, server_root_relative
from modsec_py.seclang.directives._registry import Arity, DirectiveArgumentError, directive

if TYPE_CHECKING:
    from modsec_py.seclang.loader import LoadState
    from modsec_py.seclang.model import Directive

MAX_COLLECTION_TIMEOUT = 2592000  # 30 days


@directive("SecDataDir", Arity.TAKE1, "path to the persistent data storage area")
def sec_data_dir(state: LoadState, d: Directive) -> None:
    state.config.data_dir = server_root_relative(state, d.args[0])


@directive("SecCollectionTimeout", Arity.TAKE1, "set default collections timeout. default it 3600")
def sec_collection_timeout(state: LoadState, d: Directive) -> None:
    timeout = atoi(d.args[0])  # as in v2, "abc" is 0
    if not 0 <= timeout <= MAX_COLLECTION_TIMEOUT:
        raise DirectiveArgumentError(f"ModSecurity: Invalid value for SecCollectionTimeout: {d.args[0]}")
    state.config.collection_timeout = timeout
