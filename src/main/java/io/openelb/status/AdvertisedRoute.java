package io.openelb.status;

import io.openelb.announce.RouteAttributes;
import io.openelb.model.Communities;
import io.openelb.model.IpAddress;
import java.time.Instant;

/**
 * One path in a session's Adj-RIB-Out: a host route (/32, /128) to a Service address, or the covering prefix
 * of Service addresses where a BgpAdvertisement aggregates them.
 *
 * @param length     the prefix length
 * @param pathId     its path identifier under ADD-PATH (RFC 7911), else 0
 * @param nextHop    the NEXT_HOP it was sent with
 * @param since      when it was sent (again, if its next hop or attributes changed)
 * @param attributes the advertisement policy's attributes as sent on the session (LOCAL_PREF on iBGP only)
 */
public record AdvertisedRoute(IpAddress address, int length, long pathId, IpAddress nextHop, Instant since,
        RouteAttributes attributes) {
    /** A host route. */
    public AdvertisedRoute(IpAddress address, long pathId, IpAddress nextHop, Instant since, RouteAttributes attributes) {
        this(address, address.family().bits(), pathId, nextHop, since, attributes);
    }

    /** As routers write it: {@code 192.0.2.0/24}. */
    public String prefix() {
        return address + "/" + length;
    }

    /** The COMMUNITIES (RFC 1997) and LARGE_COMMUNITY (RFC 8092) sent, in model terms for the views. */
    public Communities communities() {
        return attributes.asCommunities();
    }

    /** The LOCAL_PREF sent, null for none (external sessions). */
    public Long localPref() {
        return attributes.localPref();
    }

    /** The MULTI_EXIT_DISC sent, null for none. */
    public Long med() {
        return attributes.med();
    }
}
