"""Table-driven edge cases of the transformations.

Every row is ``(input, output, changed)``: what ModSecurity 2.9.7 returns, checked against
Debian's build (``libapache2-mod-security2 2.9.7-1+deb12u2``) through its debug log, with
``multiMatch`` revealing the "changed" flag.
"""

from __future__ import annotations

from modsec_py import transformations


def assert_transforms(name: str, value: bytes, output: bytes, changed: bool) -> None:
    """``name`` turns ``value`` into ``output`` and reports ``changed`` as v2 does."""
    function = transformations.get(name)
    assert function is not None, name
    result = function(value)
    assert result == output
    assert transformations.changed(name, value, result) is changed
    if result == value:
        assert result is value, "an unchanged value must be returned as the same object"
