package io.openelb.speaker;

import io.openelb.bgp.codec.PathAttribute;
import io.openelb.bgp.codec.Prefix;
import io.openelb.bgp.codec.Update;
import io.openelb.model.IpAddress;
import java.util.ArrayList;
import java.util.List;

/** What a list of UPDATEs carries, whatever the family: read by the Adj-RIB-Out tests. */
final class UpdateContents {
    private UpdateContents() {}

    /** NLRI, in the body (IPv4) or in MP_REACH_NLRI (IPv6). */
    static List<Prefix> announced(List<Update> updates) {
        List<Prefix> prefixes = new ArrayList<>();
        for (Update u : updates) {
            prefixes.addAll(u.nlri());
            u.attributes().stream().filter(a -> a instanceof PathAttribute.MpReach)
                    .forEach(a -> prefixes.addAll(((PathAttribute.MpReach) a).nlri()));
        }
        return prefixes;
    }

    /** Withdrawn routes, in the body (IPv4) or in MP_UNREACH_NLRI (IPv6). */
    static List<Prefix> withdrawn(List<Update> updates) {
        List<Prefix> prefixes = new ArrayList<>();
        for (Update u : updates) {
            prefixes.addAll(u.withdrawn());
            u.attributes().stream().filter(a -> a instanceof PathAttribute.MpUnreach)
                    .forEach(a -> prefixes.addAll(((PathAttribute.MpUnreach) a).withdrawn()));
        }
        return prefixes;
    }

    /** NEXT_HOP (IPv4) and MP_REACH_NLRI next hops (IPv6), in order. */
    static List<IpAddress> nextHops(List<Update> updates) {
        List<IpAddress> hops = new ArrayList<>();
        for (Update u : updates) {
            for (PathAttribute a : u.attributes()) {
                if (a instanceof PathAttribute.NextHop n) {
                    hops.add(n.address());
                } else if (a instanceof PathAttribute.MpReach r) {
                    hops.addAll(r.nextHops());
                }
            }
        }
        return hops;
    }
}
