#!/usr/bin/env python3
"""mrt.py NEXTHOP < prefixes > file.mrt - the IPv4 /32s listed on stdin (one address or a.b.c.d/32 per
line) as an MRT TABLE_DUMP_V2 dump (RFC 6396), each with ORIGIN IGP, an empty AS_PATH (GoBGP prepends
its own AS) and NEXT_HOP, for `gobgp mrt inject global`: the GoBGP baseline of hack/bench/announce.sh
gets its routes without a CLI call per route."""
import ipaddress
import struct
import sys
import time

next_hop = ipaddress.IPv4Address(sys.argv[1])
now = int(time.time())
out = sys.stdout.buffer


def record(subtype, body):
    out.write(struct.pack(">IHHI", now, 13, subtype, len(body)) + body)  # type 13: TABLE_DUMP_V2


# PEER_INDEX_TABLE: collector id, empty view name, one peer (type 2: IPv4 address, 4-octet AS)
record(1, next_hop.packed + struct.pack(">HH", 0, 1) + bytes([2]) + next_hop.packed + next_hop.packed
       + struct.pack(">I", 64513))
attributes = (bytes([0x40, 1, 1, 0])                     # ORIGIN IGP
              + bytes([0x40, 2, 0])                      # AS_PATH empty
              + bytes([0x40, 3, 4]) + next_hop.packed)   # NEXT_HOP
for sequence, line in enumerate(sys.stdin):
    prefix = ipaddress.IPv4Address(line.strip().split("/")[0]).packed
    entry = struct.pack(">HIH", 0, now, len(attributes)) + attributes
    record(2, struct.pack(">IB", sequence, 32) + prefix + struct.pack(">H", 1) + entry)  # RIB_IPV4_UNICAST
