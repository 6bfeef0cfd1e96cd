package io.openelb.status;

import io.openelb.model.IpAddress;
import java.time.Instant;

/**
 * One path in a session's Adj-RIB-Out: a host route (/32, /128) to a Service address.
 *
 * @param pathId  its path identifier under ADD-PATH (RFC 7911), else 0
 * @param nextHop the NEXT_HOP it was sent with
 * @param since   when it was sent (again, if its next hop moved)
 */
public record AdvertisedRoute(IpAddress address, long pathId, IpAddress nextHop, Instant since) {}
