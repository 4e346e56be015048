"""modsec_py.transformations: ModSecurity 2.9.7's transformation functions, one module each.

Every function maps bytes to bytes and is looked up by v2 name, case-insensitively::

    from modsec_py import transformations
    transformations.get("urlDecodeUni")(b"%u0041%2b+")  # b"A+ "

:func:`changed` gives v2's "changed" flag (what ``multiMatch`` uses), and
:func:`make_url_decode_uni` builds urlDecodeUni for a configured Unicode map. The list of
modules below is the list of transformations.
"""

from __future__ import annotations

from modsec_py.transformations import (  # noqa: F401  (each module registers itself)
    base64_decode,
    base64_decode_ext,
    base64_encode,
    cmd_line,
    compress_whitespace,
    css_decode,
    escape_seq_decode,
    hex_decode,
    hex_encode,
    html_entity_decode,
    js_decode,
    length,
    lowercase,
    md5,
    normalise_path,
    normalise_path_win,
    parity_even_7bit,
    parity_odd_7bit,
    parity_zero_7bit,
    remove_comments,
    remove_comments_char,
    remove_nulls,
    remove_whitespace,
    replace_comments,
    replace_nulls,
    sha1,
    sql_hex_decode,
    trim,
    trim_left,
    trim_right,
    url_decode,
    url_decode_uni,
    url_encode,
    utf8_to_unicode,
)
from modsec_py.transformations._registry import Transformation, changed, changed_flag, get, names
from modsec_py.transformations.url_decode_uni import make_url_decode_uni

__all__ = ["Transformation", "changed", "changed_flag", "get", "make_url_decode_uni", "names"]
