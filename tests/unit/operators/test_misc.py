"""The remaining operators: rbl, inspectFile, rsub, validateDTD/Schema, libinjection, and those
whose directives modsec_py refuses (fuzzyHash, gsbLookup, validateHash)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from modsec_py.config import EngineConfig
from modsec_py.errors import ItemArgumentError
from modsec_py.operators import rbl
from modsec_py.operators._base import OperatorError
from modsec_py.operators.rbl import dotted_quad
from modsec_py.operators.rsub import RsubResult, split_rsub
from modsec_py.testing.fake_tx import FakeTx
from tests.unit.operators._helpers import make, run


def test_unconditional_and_no_match() -> None:
    assert run("unconditionalMatch", "x", b"") == "Unconditional match in SecAction."
    assert run("noMatch", "", b"anything") is None


# -- rbl ---------------------------------------------------------------------------------------

@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    answers: dict[str, bytes] = {}
    monkeypatch.setattr(rbl, "resolve", answers.get)
    return answers


def test_dotted_quad_is_sscanf() -> None:
    assert dotted_quad(b"1.2.3.4") == (1, 2, 3, 4)
    assert dotted_quad(b" 1. 2.3.4xyz") == (1, 2, 3, 4)
    assert dotted_quad(b"-1.2.3.4") == (-1, 2, 3, 4)
    assert dotted_quad(b"1.2.3") is None and dotted_quad(b"a.b.c.d") is None


def test_rbl_lookups(dns: dict[str, bytes]) -> None:
    dns["4.3.2.1.sbl-xbl.spamhaus.org"] = bytes([127, 0, 0, 4])
    assert run("rbl", "sbl-xbl.spamhaus.org", b"1.2.3.4", var="REMOTE_ADDR") == \
        "RBL lookup of 4.3.2.1.sbl-xbl.spamhaus.org succeeded at REMOTE_ADDR (Illegal 3rd party exploits)."
    dns["example.com.multi.uribl.com"] = bytes([127, 0, 0, 2])
    assert run("rbl", "multi.uribl.com", b"example.com") == \
        "RBL lookup of example.com.multi.uribl.com succeeded at ARGS:x (BLACK)."
    dns["4.3.2.1.bl.example"] = bytes([127, 0, 0, 9])
    assert run("rbl", "bl.example", b"1.2.3.4") == "RBL lookup of 4.3.2.1.bl.example succeeded at ARGS:x."
    assert run("rbl", "bl.example", b"1.2.3.5") is None


def test_rbl_httpbl(dns: dict[str, bytes]) -> None:
    with pytest.raises(OperatorError, match="set SecHttpBlKey"):
        make("rbl", "dnsbl.httpbl.org").evaluate(FakeTx(), b"1.2.3.4")
    dns["abcdefghijkl.4.3.2.1.dnsbl.httpbl.org"] = bytes([127, 12, 40, 1])
    config = EngineConfig(http_bl_key="abcdefghijkl")
    op = make("rbl", "dnsbl.httpbl.org", config=config)
    tx = FakeTx(capturing=True, variable_name="REMOTE_ADDR")
    detail = op.evaluate(tx, b"1.2.3.4")
    text = ("RBL lookup of abcdefghijkl.4.3.2.1.dnsbl.httpbl.org succeeded at REMOTE_ADDR. "
            "Suspicious IP: 12 days since last activity, threat score 40")
    assert op.message(detail, "REMOTE_ADDR") == text
    assert tx.tx["0"] == text.encode()  # set_match_to_tx: TX:0 = the text
    dns["abcdefghijkl.4.3.2.1.dnsbl.httpbl.org"] = bytes([10, 0, 0, 1])
    assert op.message(op.evaluate(FakeTx(), b"1.2.3.4"), "REMOTE_ADDR") == \
        "RBL lookup of abcdefghijkl.4.3.2.1.dnsbl.httpbl.org failed: bad response"  # still a match, as in v2


# -- inspectFile -------------------------------------------------------------------------------

def script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "approver.sh"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_inspect_file(tmp_path: Path) -> None:
    approve = script(tmp_path, 'echo "1 clean: $1"')
    assert run("inspectFile", approve, b"/tmp/upload-1") is None
    reject = script(tmp_path, 'echo "0 virus found"; echo second line')
    assert run("inspectFile", reject, b"/tmp/upload-2", var="FILES_TMPNAMES:f") == \
        f'File "/tmp/upload-2" rejected by the approver script "{reject}": 0 virus found'
    silent = script(tmp_path, "true")
    with pytest.raises(OperatorError, match=r"failed \(invocation failed\)"):
        make("inspectFile", silent).evaluate(FakeTx(), b"/tmp/x")
    assert run("inspectFile", script(tmp_path, "echo"), b"/tmp/x") is not None  # an empty first line rejects
    with pytest.raises(OperatorError):  # v2 runs `sh -c "<script> <file>"` unquoted: a quote breaks it
        make("inspectFile", approve).evaluate(FakeTx(), b'/tmp/up"load')


# -- rsub --------------------------------------------------------------------------------------

def test_split_rsub() -> None:
    assert split_rsub("s/abc/xyz/") == ("abc", "xyz", "")
    assert split_rsub("s/a\\/b/c/i") == ("a\\/b", "c", "i")
    assert split_rsub("s/a/b") == ("a", "b", "")
    assert split_rsub("s/a//") == ("a", "/", "")  # v2's parser: an empty replacement is the delimiter
    assert split_rsub("s//x/") == ("/", "/", "")  # and an empty pattern eats the next byte


def substitute(argument: str, value: bytes, **macros: bytes) -> bytes:
    result = make("rsub", argument).evaluate(FakeTx(macros=macros), value)
    assert isinstance(result, RsubResult)
    return result.value


def test_rsub() -> None:
    assert substitute("s/password/********/", b"my password is password") == b"my ******** is ********"
    with pytest.raises(ItemArgumentError, match="parsing input data"):  # parse_pm_content refuses "\\1"
        make("rsub", "s/(\\w+)@(\\w+)/\\2 at \\1/")
    assert substitute("s/^a/b/", b"aaa") == b"bbb"  # each search starts a new string: ^ matches again
    assert substitute("s/x/y/", b"axb\0x") == b"ayb"  # a C string
    assert substitute("s/zz//", b"bbbzzq") == b"bbb/q"  # checked against 2.9.7: "" parses as "/"
    assert substitute("s/A/|42|/i", b"a") == b"B"
    assert substitute("s/%{tx.word}/!/", b"a.c abc", **{"tx.word": b"a.c"}) == b"! !"
    assert substitute("s/%{tx.word}/!/d", b"a.c abc", **{"tx.word": b"a.c"}) == b"! abc"
    assert substitute("s/x*/-/", b"ab") == b"-a-b"  # where v2 loops forever on empty matches
    assert run("rsub", "s/a/b/", b"a") == "Operator rsub succeeded."
    with pytest.raises(OperatorError, match="regex data is null"):
        make("rsub", "s/(/x/").evaluate(FakeTx(), b"a")


# -- XML ---------------------------------------------------------------------------------------

def test_validate_dtd_and_schema(tmp_path: Path) -> None:
    etree = pytest.importorskip("lxml.etree")
    (tmp_path / "order.dtd").write_text("<!ELEMENT order (item+)>\n<!ELEMENT item (#PCDATA)>\n")
    (tmp_path / "order.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="order"><xs:complexType>'
        '<xs:sequence><xs:element name="item" type="xs:string" maxOccurs="unbounded"/></xs:sequence>'
        "</xs:complexType></xs:element></xs:schema>")
    good = etree.ElementTree(etree.fromstring(b"<order><item>a</item></order>"))
    bad = etree.ElementTree(etree.fromstring(b"<order><thing/></order>"))
    for name, file, what in (("validateDTD", "order.dtd", "DTD"), ("validateSchema", "order.xsd", "Schema")):
        op = make(name, str(tmp_path / file))
        assert op.evaluate(FakeTx(xml=good), b"") is None
        tx = FakeTx(xml=bad)
        assert op.message(op.evaluate(tx, b""), "XML") == f"XML: {what} validation failed."
        assert any(level == 3 for level, _ in tx.debug_lines)
        assert op.message(op.evaluate(FakeTx(xml=good, reqbody_error=True), b""), "XML") == \
            f"XML: {what} validation could not proceed due to previous processing errors."
        with pytest.raises(OperatorError, match="XML document tree could not be found"):
            op.evaluate(FakeTx(), b"")
        with pytest.raises(OperatorError, match="Failed to load"):
            make(name, str(tmp_path / "missing")).evaluate(FakeTx(xml=good), b"")


# -- libinjection ------------------------------------------------------------------------------

def test_detect_sqli_and_xss() -> None:
    libinjection = pytest.importorskip("modsec_py.operators.libinjection")
    if not hasattr(libinjection, "detect_sqli"):
        pytest.xfail("libinjection port pending")
    tx = FakeTx(capturing=True)
    tx.tx["1"] = b"kept"
    op = make("detectSQLi")
    detail = op.evaluate(tx, b"1' OR 1=1--")
    assert op.message(detail, "ARGS:id") == "detected SQLi using libinjection with fingerprint 's&1c'"
    assert tx.tx == {"0": b"s&1c", "1": b"kept"}  # set_match_to_tx leaves TX:1-9 alone
    assert make("detectSQLi").evaluate(FakeTx(), b"hello world") is None
    tx = FakeTx(capturing=True)
    assert run("detectXSS", "", b"<script>alert(1)</script>", tx=tx) == "detected XSS using libinjection."
    assert tx.tx["0"] == b"<script>alert(1)</script>"


# -- refused by modsec_py's directives ---------------------------------------------------------

def test_fuzzy_hash_gsb_lookup_validate_hash() -> None:
    with pytest.raises(OperatorError, match="^ModSecurity was not compiled with ssdeep support.$"):
        make("fuzzyHash", "hashes.txt 90").evaluate(FakeTx(), b"body")
    tx = FakeTx()
    assert make("gsbLookup", r"https?://(.*?)/").evaluate(tx, b"http://evil.example/") is None
    assert tx.debug_lines == [(1, "GSB lookup failed without a database.  Set SecGsbLookupDB.")]
    assert make("validateHash", r"/product\.php").evaluate(FakeTx(), b"/product.php") is None
