package io.openelb.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Meters of the BGP sessions, labelled per peer (the BgpPeer's name), never per prefix. Gauges hold
 * their state strongly: Micrometer's default weak reference lets a gauge vanish once only it points at
 * the state.
 */
public final class BgpMetrics {
    private final MeterRegistry registry;
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> bfd = new ConcurrentHashMap<>();

    /** One peer's gauges. */
    private record Peer(AtomicInteger up, AtomicInteger state, AtomicInteger announced, AtomicInteger pending) {}

    /** RFC 4271 section 4.5 error codes (6 Cease, 7 ROUTE-REFRESH RFC 7313), as metric label values. */
    private static final String[] ERROR_CODES = {"unknown", "message_header", "open_message", "update_message",
        "hold_timer_expired", "fsm", "cease", "route_refresh"};

    private final AtomicInteger invalidPeers = new AtomicInteger();

    public BgpMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("openelb_config_invalid", invalidPeers, AtomicInteger::get)
                .description("Objects of this kind that are invalid and not used (see their status and Events)")
                .tag("kind", "bgppeers").strongReference(true).register(registry);
    }

    /** A status write of the speaker (BgpPeer, BgpConf) failed; it is retried. Same meter as the controller's. */
    public void apiWriteError() {
        Counter.builder("openelb_kube_api_write_errors")
                .description("Writes to the Kubernetes API that failed and were retried")
                .register(registry).increment();
    }

    /** How many BgpPeers this node cannot use (invalid, key missing, no BgpConf). */
    public void invalidPeers(int count) {
        invalidPeers.set(count);
    }

    private Peer peer(String name) {
        return peers.computeIfAbsent(name, n -> {
            Peer p = new Peer(new AtomicInteger(), new AtomicInteger(), new AtomicInteger(), new AtomicInteger());
            Gauge.builder("openelb_bgp_session_up", p.up(), AtomicInteger::get)
                    .description("1 while the session with the peer is Established, else 0").tag("peer", n)
                    .strongReference(true).register(registry);
            Gauge.builder("openelb_bgp_session_state", p.state(), AtomicInteger::get)
                    .description("RFC 4271 state: 0 Idle, 1 Connect, 2 Active, 3 OpenSent, 4 OpenConfirm, 5 Established")
                    .tag("peer", n).strongReference(true).register(registry);
            Gauge.builder("openelb_bgp_announced_prefixes", p.announced(), AtomicInteger::get)
                    .description("Prefixes announced to the peer now").tag("peer", n)
                    .strongReference(true).register(registry);
            Gauge.builder("openelb_bgp_pending_prefixes", p.pending(), AtomicInteger::get)
                    .description("Prefixes this node should announce to the peer but cannot yet (session not up)")
                    .tag("peer", n).strongReference(true).register(registry);
            return p;
        });
    }

    /** A state change; {@code state} is the ordinal of the RFC 4271 state. */
    public void state(String peer, int state, boolean established) {
        Peer p = peer(peer);
        p.state().set(state);
        p.up().set(established ? 1 : 0);
        Counter.builder("openelb_bgp_session_transitions").description("Session state changes")
                .tag("peer", peer).register(registry).increment();
    }

    public void announced(String peer, int prefixes) {
        peer(peer).announced().set(prefixes);
    }

    public void pending(String peer, int prefixes) {
        peer(peer).pending().set(prefixes);
    }

    /**
     * A NOTIFICATION sent or received: the session ended with this RFC 4271 error code. The latest
     * increase says what the last error was; the text is in the HTTP API ({@code lastError}).
     */
    public void notification(String peer, boolean sent, int code) {
        Counter.builder("openelb_bgp_notifications").description("NOTIFICATIONs, by direction and error code")
                .tag("peer", peer).tag("direction", sent ? "sent" : "received")
                .tag("code", code >= 0 && code < ERROR_CODES.length ? ERROR_CODES[code] : ERROR_CODES[0])
                .register(registry).increment();
    }

    /** A message sent or received, by direction and type (open, update, notification, keepalive, refresh). */
    public void message(String peer, boolean sent, String type) {
        Counter.builder(sent ? "openelb_bgp_messages_sent" : "openelb_bgp_messages_received")
                .description("BGP messages by type").tag("peer", peer).tag("type", type)
                .register(registry).increment();
    }

    /**
     * The state of the BFD session with the peer (RFC 5880 code: 0 AdminDown, 1 Down, 2 Init, 3 Up), or -1
     * when BFD no longer runs with it: its gauge goes.
     */
    public void bfdState(String peer, int state) {
        if (state < 0) {
            AtomicInteger gone = bfd.remove(peer);
            if (gone != null) {
                registry.find("openelb_bfd_session_state").tag("peer", peer).meters().forEach(registry::remove);
            }
            return;
        }
        bfd.computeIfAbsent(peer, n -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("openelb_bfd_session_state", value, AtomicInteger::get)
                    .description("BFD session state (RFC 5880): 0 AdminDown, 1 Down, 2 Init, 3 Up").tag("peer", n)
                    .strongReference(true).register(registry);
            return value;
        }).set(state);
    }

    /** A received BFD packet was dropped: malformed, for no session of ours, or discarded by its session. */
    public void bfdDropped(String reason) {
        Counter.builder("openelb_bfd_packets_dropped").description("BFD control packets dropped, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    /** The peer is no longer configured: its meters go. */
    public void remove(String peer) {
        peers.remove(peer);
        registry.getMeters().stream()
                .filter(m -> m.getId().getName().startsWith("openelb_bgp_") && peer.equals(m.getId().getTag("peer")))
                .forEach(registry::remove);
    }
}
