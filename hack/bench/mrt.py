#!/usr/bin/env python3
"""mrt.py N FIRST NEXTHOP [reverse] > file.mrt - N consecutive IPv4 /32s as an MRT TABLE_DUMP_V2 dump
(RFC 6396), each with ORIGIN IGP, an empty AS_PATH and NEXT_HOP, for `gobgp mrt inject global`: the GoBGP
baseline of hack/bench/announce.sh gets its routes without N CLI calls. `reverse` writes them last to
first (gobgp 3.10's CLI loses the last batch of a file; a reversed second file brings it)."""
import ipaddress
import struct
import sys
import time

count, first, next_hop = int(sys.argv[1]), ipaddress.IPv4Address(sys.argv[2]), ipaddress.IPv4Address(sys.argv[3])
now = int(time.time())
out = sys.stdout.buffer


def record(subtype, body):
    out.write(struct.pack(">IHHI", now, 13, subtype, len(body)) + body)  # type 13: TABLE_DUMP_V2


# PEER_INDEX_TABLE: collector id, empty view name, one peer (type 2: IPv4 address, 4-octet AS)
record(1, next_hop.packed + struct.pack(">HH", 0, 1) + bytes([2]) + next_hop.packed + next_hop.packed
       + struct.pack(">I", 64513))
attributes = (bytes([0x40, 1, 1, 0])                     # ORIGIN IGP
              + bytes([0x40, 2, 0])                      # AS_PATH empty: GoBGP prepends its own AS
              + bytes([0x40, 3, 4]) + next_hop.packed)   # NEXT_HOP
for i in (reversed(range(count)) if sys.argv[4:] == ["reverse"] else range(count)):
    prefix = (first + i).packed
    entry = struct.pack(">HIH", 0, now, len(attributes)) + attributes
    record(2, struct.pack(">IB", i, 32) + prefix + struct.pack(">H", 1) + entry)  # RIB_IPV4_UNICAST
