package io.openelb.status;

import java.time.Instant;

/**
 * One BGP session of this node, as its session last published it. Carries no TCP MD5 key by design.
 *
 * @param peer               the BgpPeer's name
 * @param state              RFC 4271 state name (IDLE ... ESTABLISHED)
 * @param establishedAt      when the session last reached Established, null while it is not
 * @param downSince          when it last went down (null if never up, or up now)
 * @param advertisedPrefixes prefixes in the Adj-RIB-Out now
 * @param pendingPrefixes    prefixes this node should announce to the peer but has not (session not up)
 * @param lastError          the reason of the last time the session went down or failed, or ""
 * @param detail             timers, transport and Adj-RIB-Out, for the gobgp-compatible API
 * @param bfd                the session's BFD session, or null when its BgpPeer does not enable BFD
 */
public record NeighborView(String peer, String address, int port, long localAs, long peerAs, String state,
        Instant establishedAt, Instant downSince, MessageCounts sent, MessageCounts received,
        int advertisedPrefixes, int pendingPrefixes, String lastError, SessionDetail detail, BfdView bfd) {
    /** Without BFD. */
    public NeighborView(String peer, String address, int port, long localAs, long peerAs, String state,
            Instant establishedAt, Instant downSince, MessageCounts sent, MessageCounts received,
            int advertisedPrefixes, int pendingPrefixes, String lastError, SessionDetail detail) {
        this(peer, address, port, localAs, peerAs, state, establishedAt, downSince, sent, received,
                advertisedPrefixes, pendingPrefixes, lastError, detail, null);
    }
}
