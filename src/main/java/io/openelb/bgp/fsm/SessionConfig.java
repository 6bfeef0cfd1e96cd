package io.openelb.bgp.fsm;

import io.openelb.model.IpFamily;
import java.time.Duration;
import java.util.Set;

/**
 * What one session is configured with (from BgpConf and BgpPeer).
 *
 * @param holdTime         proposed in OPEN; 0 or at least 3 s
 * @param keepalive        interval between KEEPALIVEs; null for a third of the negotiated hold time
 * @param connectRetry     first back-off after a failed attempt; doubled per failure up to
 *                         {@code maxConnectRetry}. The first attempt is at once.
 * @param gracefulRestartTime seconds the peer should keep our routes while we restart (RFC 4724), or -1 off
 * @param addPathSend  families in which we offer to send several paths per prefix (RFC 7911)
 */
public record SessionConfig(
        long localAs,
        long routerId,
        long peerAs,
        Set<IpFamily> families,
        Duration holdTime,
        Duration keepalive,
        Duration connectRetry,
        Duration maxConnectRetry,
        boolean passive,
        int gracefulRestartTime,
        Set<IpFamily> addPathSend) {

    public SessionConfig {
        families = Set.copyOf(families);
        addPathSend = Set.copyOf(addPathSend);
    }

    /** Without ADD-PATH. */
    public SessionConfig(long localAs, long routerId, long peerAs, Set<IpFamily> families, Duration holdTime,
            Duration keepalive, Duration connectRetry, Duration maxConnectRetry, boolean passive,
            int gracefulRestartTime) {
        this(localAs, routerId, peerAs, families, holdTime, keepalive, connectRetry, maxConnectRetry, passive,
                gracefulRestartTime, Set.of());
    }
}
