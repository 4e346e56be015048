"""The transformation registry against v2.9.7's list."""

from __future__ import annotations

import pkgutil

import pytest

import modsec_py.transformations as package
from modsec_py import transformations
from modsec_py.transformations import _registry
from modsec_py.transformations.spec import REGISTERED, TRANSFORMATIONS, canonical_name


def test_the_registry_holds_exactly_v2s_transformations_but_none() -> None:
    assert {name.lower() for name in transformations.names()} == TRANSFORMATIONS - {"none"}
    assert sorted(transformations.names()) == sorted(name for name in REGISTERED if name != "none")


def test_names_keep_v2s_spelling() -> None:
    assert all(canonical_name(name) == name for name in transformations.names())


@pytest.mark.parametrize("spelling", ["urlDecodeUni", "URLDECODEUNI", "urldecodeuni"])
def test_lookup_is_case_insensitive(spelling: str) -> None:
    assert transformations.get(spelling) is transformations.get("urlDecodeUni") is not None


def test_none_and_unknown_names_have_no_function() -> None:
    assert transformations.get("none") is None
    assert transformations.get("uppercase") is None  # libmodsecurity only
    assert transformations.changed_flag("uppercase") is None


def test_every_module_of_the_package_is_imported() -> None:
    modules = {info.name for info in pkgutil.iter_modules(package.__path__) if not info.name.startswith("_")}
    modules.discard("spec")
    assert all(hasattr(package, module) for module in modules), modules - set(dir(package))


def test_a_name_cannot_be_registered_twice() -> None:
    with pytest.raises(RuntimeError, match="registered twice"):
        _registry.transformation("LOWERCASE")(lambda value: value)


@pytest.mark.parametrize(("name", "before", "after", "changed"), [
    ("lowercase", b"a", b"a", False),
    ("lowercase", b"A", b"a", True),
    ("md5", b"", b"", True),  # always
    ("cmdline", b"a", b"a", True),
    ("sqlHexDecode", b"a", b"a", True),
    ("base64Decode", b"V", b"", False),  # the result is empty
    ("base64DecodeExt", b"QQ", b"A", True),
    ("compressWhitespace", b"a\tb", b"a b", False),  # only a run of two counts
    ("Utf8toUnicode", b"a\x00", b"a", False),  # only converted characters count
])
def test_changed_flags(name: str, before: bytes, after: bytes, changed: bool) -> None:
    assert transformations.changed(name, before, after) is changed
