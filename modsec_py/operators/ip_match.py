"""``@ipMatch`` (v2: ``ipmatch``), ``@ipMatchFromFile``/``@ipMatchF``: IPv4/IPv6 addresses
and CIDR blocks.

``@ipMatch`` takes a comma-separated list, ``@ipMatchFromFile`` a file with one entry per
line (the leading run of hex digits, ``.``, ``/`` and ``:``; ``#`` lines skipped), relative
to the rule file. Each entry is read as v2's ``TreeAddIP`` does (checked at load by
:mod:`modsec_py.operators.spec`): an address with ``:`` is IPv6, a mask is read with
``atoi`` and must be 1-31 (IPv4) or 1-127 (IPv6) (v2 refuses ``/32``, ``/128`` and ``/0``),
the entry is cut at 31/127 characters and its host bits are cleared. The value is parsed
with ``inet_pton`` (IPv4 unless it contains ``:``; leading zeros refused) up to its first
NUL; a value that does not parse is an operator error (v2 returns -1).
Example: ``SecRule REMOTE_ADDR "@ipMatch 192.168.1.0/24,::1" "id:1"``.
Match texts: ``IPmatch: "<value>" matched at <var>.`` and
``IPmatchFromFile: "<value>" matched at <var>.``
"""

from __future__ import annotations

import re
import socket

from modsec_py._util import sources
from modsec_py._util.cnum import atoi
from modsec_py.errors import ItemArgumentError
from modsec_py.operators._base import CompileContext, Operator, OperatorError, OperatorTx, cstr, operator
from modsec_py.operators.pm import resolve

_C_SPACE = " \t\n\v\f\r"
_ENTRY_CHARS = re.compile(r"[0-9A-Fa-f./:]*")


class IpSet:
    """An @ipMatch list: v2's radix trees, behind a plain CIDR test that rules out most misses.

    v2's tree only ever loses addresses (see :class:`V2IpTree`), so an address outside every
    CIDR block is a miss for v2 too; the others get v2's exact answer from its algorithm.
    """

    __slots__ = ("_v4", "_v6", "_tree4", "_tree6")

    def __init__(self) -> None:
        self._v4: dict[int, set[int]] = {}
        self._v6: dict[int, set[int]] = {}
        self._tree4 = V2IpTree(32)
        self._tree6 = V2IpTree(128)

    def add(self, entry: str) -> bool:
        """Add one entry as TreeAddIP would; False where v2 refuses it."""
        v6 = ":" in entry
        entry = entry[:127] if v6 else entry[:31]
        bits = 128 if v6 else 32
        address, slash, mask_text = entry.partition("/")
        prefix = bits
        if slash:
            if ("." if not v6 else ":") in mask_text:
                return False
            prefix = atoi(mask_text)
            if not 0 < prefix < bits:  # 0 and out of range are refused; a full mask is left
                return False  # in the address, which then fails inet_pton
        try:
            packed = socket.inet_pton(socket.AF_INET6 if v6 else socket.AF_INET, address)
        except (OSError, ValueError):
            return False
        table = self._v6 if v6 else self._v4
        table.setdefault(prefix, set()).add(int.from_bytes(packed, "big") >> (bits - prefix))
        (self._tree6 if v6 else self._tree4).add(packed, prefix)
        return True

    def contains(self, packed: bytes) -> bool:
        """Whether v2 finds the address (4 or 16 bytes)."""
        bits = len(packed) * 8
        number = int.from_bytes(packed, "big")
        for prefix, networks in (self._v4 if bits == 32 else self._v6).items():
            if number >> (bits - prefix) in networks:
                return (self._tree4 if bits == 32 else self._tree6).contains(packed)
        return False


def parse_address(value: bytes) -> bytes | None:
    """inet_pton of the value (IPv6 when it contains ':'), None when it does not parse."""
    text = cstr(value)
    try:
        if b":" in text:
            return socket.inet_pton(socket.AF_INET6, text.decode("latin-1"))
        return socket.inet_pton(socket.AF_INET, text.decode("latin-1"))
    except (OSError, ValueError, UnicodeError):
        return None


def _bad_address(value: bytes) -> str:
    family = "IPv6" if b":" in cstr(value) else "IPv4"
    return f'IPmatch: bad {family} specification "{cstr(value).decode("latin-1")}".'


@operator("ipmatch")
class IpMatch(Operator):
    __slots__ = ("_networks",)

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        self._networks = IpSet()
        for entry in argument.split(","):
            if entry and not self._networks.add(entry):
                raise ItemArgumentError(f'Could not add entry "{entry}" from: {argument}.')

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        packed = parse_address(value)
        if packed is None:
            tx.debug(1, _bad_address(value))  # v2 logs it at level 1 and returns -1, message unset
            raise OperatorError(None)
        return (value,) if self._networks.contains(packed) else None

    def message(self, detail: object, var_name: str) -> str:
        return f'IPmatch: "{cstr(detail[0]).decode("latin-1")}" matched at {var_name}.'  # type: ignore[index]


@operator("ipmatchFromFile")
class IpMatchFromFile(Operator):
    __slots__ = ("_networks",)

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        path = resolve(ctx.rule_directory, argument.lstrip(_C_SPACE))
        try:
            lines = sources.read(path).decode("latin-1").split("\n")
        except OSError as error:
            raise ItemArgumentError(f'Could not open ipmatch file "{path}": {error.strerror}') from None
        self._networks = IpSet()
        for number, line in enumerate(lines, 1):
            match = _ENTRY_CHARS.match(line.lstrip(_C_SPACE))
            entry = match.group() if match else ""
            if entry and not self._networks.add(entry):
                raise ItemArgumentError(f'Could not add entry "{entry}" in line {number} of file {path} to IP list')

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        packed = parse_address(value)
        if packed is None:
            message = _bad_address(value)
            tx.debug(9, message)
            raise OperatorError(message)
        return (value,) if self._networks.contains(packed) else None

    def message(self, detail: object, var_name: str) -> str:
        return f'IPmatchFromFile: "{cstr(detail[0]).decode("latin-1")}" matched at {var_name}.'  # type: ignore[index]


@operator("ipmatchf")
class IpMatchF(IpMatchFromFile):
    """``@ipMatchF``: another name for ``@ipMatchFromFile``."""


# -- v2's radix tree (msc_tree.c), ported as it is -------------------------------------------
#
# ModSecurity 2 stores @ipMatch lists in a patricia tree whose bookkeeping of netmasks loses
# entries: a node that gets a second netmask reallocates its list without copying it (the
# older netmasks read as 0), the lookup applies only a node's first netmask to the address,
# and an entry whose masked address equals an earlier one's is dropped unless it has the
# same netmask. Lists that mix prefix lengths therefore miss addresses a plain CIDR test
# finds. :class:`V2IpTree` repeats the algorithm step by step (fresh pool memory is taken
# to be zero), which Debian's 2.9.7 agrees with on randomized lists.

class _Node:
    __slots__ = ("bit", "count", "netmasks", "prefix", "left", "right", "parent")

    def __init__(self) -> None:
        self.bit = 0
        self.count = 0
        self.netmasks: list[int] | None = None
        self.prefix: _Prefix | None = None
        self.left: _Node | None = None
        self.right: _Node | None = None
        self.parent: _Node | None = None


class _Prefix:
    __slots__ = ("buffer", "bitlen", "netmasks")

    def __init__(self, buffer: bytes, bitlen: int, netmask: int) -> None:
        self.buffer = buffer
        self.bitlen = bitlen
        self.netmasks = [netmask]  # CPTData list; only ever one entry that matters


def _byte_mask(mask_bits: int, netmask: int) -> int:
    """The mask ConvertIPNetmask / CPTFindElementIPNetblock apply to one byte."""
    if mask_bits > netmask:
        return (0xFF << (mask_bits - netmask)) & 0xFF if mask_bits - netmask < 8 else 0
    return 0xFF


def _bit(buffer: bytes | bytearray, bit: int) -> bool:
    index = bit >> 3
    return index < len(buffer) and bool(buffer[index] & (0x80 >> (bit % 8)))


def _sorted_insert(node: _Node, netmask: int) -> None:
    """node.count++ and a fresh netmask list (the old values lost: read as 0), sorted descending."""
    node.count += 1
    masks = [0] * node.count
    node.netmasks = masks
    if node.count == 1:
        masks[0] = netmask
        return
    masks[node.count - 1] = netmask
    i = node.count - 2
    while i >= 0:
        if netmask < masks[i]:
            masks[i + 1] = netmask
            break
        masks[i + 1] = masks[i]
        masks[i] = netmask
        i -= 1


class V2IpTree:
    """One family's tree (bits = 32 or 128), built and searched as msc_tree.c does."""

    __slots__ = ("bits", "head")

    def __init__(self, bits: int) -> None:
        self.bits = bits
        self.head: _Node | None = None

    def add(self, address: bytes, netmask: int) -> None:
        """CPTAddElement(address, bits, tree, netmask)."""
        bits = self.bits
        data = bytes(byte & _byte_mask((i + 1) * 8, netmask) for i, byte in enumerate(address))
        prefix = _Prefix(data, bits, netmask)
        if self.head is None:
            node = _Node()
            node.prefix, node.bit = prefix, bits
            self.head = node
            if not self._full(netmask):
                node.count = 1
                node.netmasks = [netmask]
            return
        node = self.head
        while node.bit < bits or node.prefix is None:
            if bits < node.bit:
                if node.right is None:
                    break
                node = node.right
            elif _bit(data, node.bit):
                if node.right is None:
                    break
                node = node.right
            else:
                if node.left is None:
                    break
                node = node.left
        bottom = node
        validation = min(node.bit, bits)
        test_bit = 0
        bottom_buffer = bottom.prefix.buffer if bottom.prefix is not None else bytes(len(data))
        i = 0
        while i * 8 < validation:
            difference = data[i] ^ bottom_buffer[i]
            if difference == 0:
                test_bit = (i + 1) * 8
                i += 1
                continue
            test_bit = i * 8 + (8 - difference.bit_length())
            break
        test_bit = min(test_bit, validation)
        parent = node.parent
        while parent is not None and test_bit <= parent.bit:
            node, parent = parent, parent.parent
        if test_bit == bits and node.bit == bits:
            if node.prefix is None:
                node.prefix = _Prefix(data, bits, 0xFF)
            elif netmask in node.prefix.netmasks and not self._full(netmask):
                parent = node.parent
                while parent is not None and netmask < parent.bit + 1:
                    node, parent = parent, parent.parent
                _sorted_insert(node, netmask)
            return  # a new netmask for an existing address is dropped
        new = _Node()
        new.prefix, new.bit = prefix, bits
        if test_bit == bits:  # not reached for valid entries (kept from the C)
            if _bit(bottom_buffer, test_bit):
                new.right = node
            else:
                new.left = node
            new.parent = node.parent
            node.parent = self._replace(node, new)
        else:
            inner = _Node()
            inner.bit = test_bit
            inner.parent = node.parent
            if node.netmasks is not None:
                i = 0
                while i < node.count and not node.netmasks[i] < test_bit + 1:
                    i += 1
                inner.netmasks = node.netmasks[i:node.count]
                inner.count = node.count - i
                node.count = i
                if node.count == 0:
                    node.netmasks = None
            if _bit(data, test_bit):
                inner.left, inner.right = node, new
            else:
                inner.left, inner.right = new, node
            new.parent = inner
            node.parent = self._replace(node, inner)
        self._insert_netmask(new, netmask)

    def _full(self, netmask: int) -> bool:
        """CheckBitmask: a host entry (0xff, or the family's full length)."""
        return netmask == 0xFF or netmask == self.bits

    def _replace(self, node: _Node, new: _Node) -> _Node:
        """SetParentNode: ``new`` takes ``node``'s place under its parent."""
        if node.parent is None:
            self.head = new
        elif node.parent.right is node:
            node.parent.right = new
        else:
            node.parent.left = new
        return new

    def _insert_netmask(self, new: _Node, netmask: int) -> None:
        """InsertNetmask: the netmask goes to the highest node whose bit is below it."""
        if netmask in (0xFF, 0x80) or (netmask == 0x20 and self.bits == 0x20):
            return
        node, parent = new, new.parent
        while parent is not None and netmask < parent.bit + 1:
            node, parent = parent, parent.parent
        _sorted_insert(node, netmask)

    def _descend(self, data: bytes | bytearray, node: _Node | None) -> _Node | None:
        """CPTRetriveNode."""
        while node is not None and node.bit < self.bits:
            node = node.right if _bit(data, node.bit) else node.left
        return node

    def contains(self, address: bytes) -> bool:
        """CPTFindElement: whether v2 finds the address."""
        node = self._descend(address, self.head)
        if node is None or node.bit != self.bits:
            return False
        if node.prefix is None:
            return True
        data = bytearray(address)
        if node.netmasks is None and node.prefix.buffer == bytes(data) and node.prefix.netmasks[0] == self.bits:
            return True
        return self._netblock(data, node)

    def _netblock(self, data: bytearray, start: _Node | None) -> bool:
        """CPTFindElementIPNetblock (its byte index is not reset between netmasks)."""
        netmask_node = start
        while netmask_node is not None and netmask_node.netmasks is None:
            netmask_node = netmask_node.parent
        if netmask_node is None:
            return False
        node: _Node | None = netmask_node
        i = 0
        for j in range(netmask_node.count):
            netmask = netmask_node.netmasks[j]  # type: ignore[index]
            while i < len(data):
                data[i] &= _byte_mask((i + 1) * 8, netmask)
                i += 1
            node = self._descend(data, node)
            if node is None or node.bit != self.bits or node.prefix is None:
                return False
            if node.prefix.buffer == bytes(data) and netmask in node.prefix.netmasks:
                return True
        return self._netblock(data, netmask_node.parent)
