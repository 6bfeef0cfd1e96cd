package io.openelb.status;

import io.openelb.model.IpFamily;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * What a session knows beyond its {@link NeighborView} summary, for gobgp's {@code gobgp neighbor ADDRESS}
 * and RIB views. Times in seconds; 0 where not negotiated (the session is not up).
 *
 * @param localAddress       this node's address on the connection, "" without one
 * @param remoteRouterId     the peer's BGP identifier from its OPEN, "" before one arrived
 * @param holdTime           configured hold time
 * @param keepalive          configured keepalive interval (0: a third of the hold time)
 * @param connectRetry       first connect-retry interval
 * @param negotiatedHoldTime hold time agreed in the OPENs
 * @param negotiatedKeepalive keepalive interval in use
 * @param passive            waits for the peer to connect
 * @param ttl                IP TTL of the session's packets, 0 for the system's default
 * @param gracefulRestartTime restart time announced (RFC 4724), -1 without graceful restart
 * @param families           address families configured for the session
 * @param lastEstablished    when the session last reached Established (kept after it went down), or null
 * @param adjRibOut          the paths sent to the peer and not withdrawn; immutable, taken as it is (a
 *                           session's holds thousands of paths and changes with every Service)
 */
public record SessionDetail(String localAddress, String remoteRouterId, long holdTime, long keepalive,
        long connectRetry, long negotiatedHoldTime, long negotiatedKeepalive, boolean passive, int ttl,
        int gracefulRestartTime, List<IpFamily> families, Instant lastEstablished,
        Collection<AdvertisedRoute> adjRibOut) {
    public SessionDetail {
        families = List.copyOf(families);
    }
}
