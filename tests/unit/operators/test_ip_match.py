"""@ipMatch / @ipMatchFromFile: IPv4, IPv6, CIDR, v2's parsing and v2's radix tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from modsec_py.errors import ItemArgumentError
from modsec_py.operators._base import OperatorError
from modsec_py.operators.ip_match import IpSet
from modsec_py.testing.fake_tx import FakeTx
from tests.unit.operators._helpers import make, run


def test_ipv4_hosts_and_networks() -> None:
    assert run("ipMatch", "192.168.1.100", b"192.168.1.100", var="REMOTE_ADDR") == \
        'IPmatch: "192.168.1.100" matched at REMOTE_ADDR.'
    assert run("ipMatch", "192.168.1.100", b"192.168.1.101") is None
    assert run("ipMatch", "10.10.10.0/21", b"10.10.15.254") is not None
    assert run("ipMatch", "10.10.10.0/21", b"10.10.16.1") is None
    assert run("ipMatch", "156.149.249.1/8", b"156.1.2.3") is not None  # host bits are cleared
    assert run("ipMatch", "127.0.0.1,10.0.0.0/8", b"10.9.8.7") is not None
    assert run("ipMatch", "10.0.0.0/24abc", b"10.0.0.9") is not None  # the mask is read with atoi


def test_ipv6() -> None:
    assert run("ipMatch", "::1", b"0:0:0:0:0:0:0:1") is not None
    assert run("ipMatch", "2001:db8::/32", b"2001:db8:ffff::1") is not None
    assert run("ipMatch", "2001:db8::/32", b"2001:db9::1") is None
    assert run("ipMatch", "::/71", b"0:0:0:0:1ff:ffff:ffff:ffff") is not None  # checked against 2.9.7
    assert run("ipMatch", "127.0.0.1", b"::ffff:127.0.0.1") is None  # another family, another tree


def test_value_parsing() -> None:
    assert run("ipMatch", "10.0.0.1", b"10.0.0.1\0junk") is not None  # C string
    for bad in (b"010.0.0.1", b"10.0.0", b"hostname", b"1.2.3.4.5", b"::g"):
        tx = FakeTx()
        with pytest.raises(OperatorError) as error:
            make("ipMatch", "10.0.0.1").evaluate(tx, bad)
        assert error.value.message is None  # v2 logs it (level 1) and leaves the message unset
        assert tx.debug_lines[0][0] == 1 and "IPmatch: bad IPv" in tx.debug_lines[0][1]


def test_refused_entries() -> None:
    for entry in ("10.0.0.1/32", "10.0.0.0/0", "10.0.0.0/33", "::1/128", "10.0.0.0/8.0", "300.1.1.1"):
        with pytest.raises(ItemArgumentError, match="Could not add entry"):
            make("ipMatch", entry)
    assert make("ipMatch", "").evaluate(FakeTx(), b"1.2.3.4") is None  # an empty list loads


def test_v2_tree_loses_entries() -> None:
    # From a randomized comparison with Debian's 2.9.7: v2 misses 10.1.1.1 in this list although
    # 10.255.40.143/2 (0.0.0.0/2) holds it; a plain CIDR test would find it.
    entries = ("192.171.200.1/18,1.1.255.255/16,1.1.0.46/22,10.255.1.0/12,252.255.2.0/5,192.1.24.2/4,"
               "192.1.2.255,1.49.0.2/31,2.144.0.2/21,1.0.255.1/6,10.1.0.1/30,2.2.56.1,10.255.40.143/2,2.1.1.2")
    op = make("ipMatch", entries)
    assert op.evaluate(FakeTx(), b"10.1.1.1") is None
    assert op.evaluate(FakeTx(), b"1.1.7.7") is not None
    # the same address with another mask is dropped: the first one stays
    assert run("ipMatch", "10.0.0.0/16,10.0.0.0/8", b"10.1.0.1") is None
    assert run("ipMatch", "10.0.0.0/8,10.0.0.0/16", b"10.1.0.1") is not None


def test_ip_set_single_entries_are_plain_cidr() -> None:
    import ipaddress
    import random

    generator = random.Random(3)
    for _ in range(300):
        network = ipaddress.ip_network((generator.getrandbits(32), generator.randint(1, 31)), strict=False)
        ips = IpSet()
        assert ips.add(str(network))
        for _ in range(10):
            address = ipaddress.ip_address(generator.getrandbits(32))
            assert ips.contains(address.packed) == (address in network)


def test_ip_match_from_file(tmp_path: Path) -> None:
    (tmp_path / "ips.txt").write_text("# trusted\n192.168.0.0/16 office\n  10.1.2.3\n\n2001:db8::/48\n")
    op = make("ipMatchFromFile", "ips.txt", directory=str(tmp_path))
    assert op.message(op.evaluate(FakeTx(), b"192.168.4.5"), "REMOTE_ADDR") == \
        'IPmatchFromFile: "192.168.4.5" matched at REMOTE_ADDR.'
    assert op.evaluate(FakeTx(), b"10.1.2.3") is not None
    assert op.evaluate(FakeTx(), b"2001:db8:0:1::9") is not None
    assert make("ipMatchF", str(tmp_path / "ips.txt")).evaluate(FakeTx(), b"10.1.2.4") is None
    with pytest.raises(OperatorError, match='IPmatch: bad IPv4 specification "x"'):
        op.evaluate(FakeTx(), b"x")
    (tmp_path / "bad.txt").write_text("10.0.0.1/32\n")
    with pytest.raises(ItemArgumentError, match='Could not add entry "10.0.0.1/32" in line 1'):
        make("ipMatchFromFile", "bad.txt", directory=str(tmp_path))
