package io.openelb.bgp.fsm;

import io.openelb.model.IpFamily;
import java.time.Duration;
import java.util.Set;

/**
 * The terms both ends agreed on in their OPENs.
 *
 * @param holdTime      0 means no hold timer and no KEEPALIVEs (RFC 4271 section 4.2)
 * @param fourOctetAs   both announced RFC 6793 support: AS_PATH carries 4-octet numbers
 * @param families      address families both announced (RFC 4760), the ones we may send
 * @param peerAs        the peer's AS, from its OPEN
 * @param peerId        the peer's BGP identifier
 * @param gracefulRestart both announced RFC 4724 graceful restart: the peer keeps our routes while we
 *                      restart
 * @param addPath       families in which we send several paths per prefix, each with a path identifier
 *                      (we offered to send, the peer to receive: RFC 7911)
 */
public record Negotiated(Duration holdTime, Duration keepalive, boolean fourOctetAs, Set<IpFamily> families,
        long peerAs, long peerId, boolean gracefulRestart, Set<IpFamily> addPath) {
    public Negotiated {
        families = Set.copyOf(families);
        addPath = Set.copyOf(addPath);
    }

    /** Without ADD-PATH. */
    public Negotiated(Duration holdTime, Duration keepalive, boolean fourOctetAs, Set<IpFamily> families,
            long peerAs, long peerId, boolean gracefulRestart) {
        this(holdTime, keepalive, fourOctetAs, families, peerAs, peerId, gracefulRestart, Set.of());
    }
}
