package io.openelb.bgp.codec;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Packs many prefixes with the same path attributes into as few UPDATEs as fit in 4096 bytes each: IPv4
 * in the UPDATE body (RFC 4271), IPv6 in MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760).
 */
public final class UpdatePacker {

    private UpdatePacker() {}

    /**
     * UPDATEs announcing {@code prefixes} with ORIGIN IGP, the given AS_PATH, {@code nextHop} and
     * {@code attributes}; every UPDATE carries all of them, in ascending order of type code (RFC 4271
     * section 5).
     *
     * @param attributes  the others, such as MULTI_EXIT_DISC, LOCAL_PREF and communities; none for a plain route
     * @param fourOctetAs whether the session negotiated 4-octet AS numbers (AS_PATH width)
     */
    public static List<Update> announce(IpFamily family, PathAttribute.AsPath asPath, IpAddress nextHop,
            List<PathAttribute> attributes, List<Prefix> prefixes, boolean fourOctetAs) {
        List<PathAttribute> common = new ArrayList<>(attributes);
        common.add(new PathAttribute.Origin(PathAttribute.Origin.IGP));
        common.add(asPath);
        if (family == IpFamily.IPV4) {
            common.add(new PathAttribute.NextHop(nextHop));
            List<PathAttribute> sorted = inTypeOrder(common, List.of());
            int budget = budget(new Update(List.of(), sorted, List.of()), fourOctetAs);
            List<Update> updates = new ArrayList<>();
            for (List<Prefix> chunk : chunks(prefixes, budget)) {
                updates.add(new Update(List.of(), sorted, chunk));
            }
            return updates;
        }
        int afi = BgpCodec.afi(family);
        PathAttribute.MpReach empty = new PathAttribute.MpReach(afi, BgpCodec.SAFI_UNICAST, List.of(nextHop), List.of());
        int budget = budget(new Update(List.of(), inTypeOrder(common, List.of(empty)), List.of()), fourOctetAs);
        List<Update> updates = new ArrayList<>();
        for (List<Prefix> chunk : chunks(prefixes, budget)) {
            PathAttribute.MpReach reach = new PathAttribute.MpReach(afi, BgpCodec.SAFI_UNICAST, List.of(nextHop), chunk);
            updates.add(new Update(List.of(), inTypeOrder(common, List.of(reach)), List.of()));
        }
        return updates;
    }

    private static List<PathAttribute> inTypeOrder(List<PathAttribute> attributes, List<PathAttribute> more) {
        List<PathAttribute> all = new ArrayList<>(attributes);
        all.addAll(more);
        all.sort(Comparator.comparingInt(PathAttribute::typeCode));
        return all;
    }

    /** UPDATEs withdrawing {@code prefixes}. */
    public static List<Update> withdraw(IpFamily family, List<Prefix> prefixes) {
        List<Update> updates = new ArrayList<>();
        if (family == IpFamily.IPV4) {
            for (List<Prefix> chunk : chunks(prefixes, budget(new Update(List.of(), List.of(), List.of()), true))) {
                updates.add(new Update(chunk, List.of(), List.of()));
            }
            return updates;
        }
        int afi = BgpCodec.afi(family);
        int budget = budget(new Update(List.of(), List.of(new PathAttribute.MpUnreach(afi, BgpCodec.SAFI_UNICAST,
                List.of())), List.of()), true);
        for (List<Prefix> chunk : chunks(prefixes, budget)) {
            updates.add(new Update(List.of(),
                    List.of(new PathAttribute.MpUnreach(afi, BgpCodec.SAFI_UNICAST, chunk)), List.of()));
        }
        return updates;
    }

    /** End-of-RIB marker (RFC 4724 section 2): an empty UPDATE, or an empty MP_UNREACH_NLRI for IPv6. */
    public static Update endOfRib(IpFamily family) {
        return family == IpFamily.IPV4
                ? new Update(List.of(), List.of(), List.of())
                : new Update(List.of(), List.of(new PathAttribute.MpUnreach(BgpCodec.AFI_IPV6, BgpCodec.SAFI_UNICAST,
                        List.of())), List.of());
    }

    private static int budget(Update withoutPrefixes, boolean fourOctetAs) {
        return BgpCodec.MAX_LENGTH - BgpCodec.encode(withoutPrefixes, fourOctetAs).length - 1;
    }

    private static List<List<Prefix>> chunks(List<Prefix> prefixes, int budget) {
        List<List<Prefix>> chunks = new ArrayList<>();
        List<Prefix> chunk = new ArrayList<>();
        int used = 0;
        for (Prefix p : prefixes) {
            int size = p.encodedSize();
            if (used + size > budget && !chunk.isEmpty()) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                used = 0;
            }
            chunk.add(p);
            used += size;
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }
}
