package io.openelb.speaker;

import io.openelb.bfd.BfdAction;
import io.openelb.bfd.BfdDiagnostic;
import io.openelb.bfd.BfdEvent;
import io.openelb.bfd.BfdPacket;
import io.openelb.bfd.BfdPacketException;
import io.openelb.bfd.BfdProfile;
import io.openelb.bfd.BfdSession;
import io.openelb.bfd.BfdState;
import io.openelb.bfd.BfdTransition;
import io.openelb.metrics.BgpMetrics;
import io.openelb.model.IpAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's BFD sessions (RFC 5880 asynchronous mode, single hop RFC 5881), one per router whose
 * BgpPeer enables BFD. The pure {@link BfdSession} decides; this shell owns the UDP sockets and the
 * timers, demultiplexes received packets and tells the BGP session that owns each BFD session (its
 * {@link Listener}) how it stands and when the path fails. The sockets are opened with the first session: a
 * node without BFD binds no port. Every method runs on the speaker's event loop, and so do the listeners.
 */
final class BfdLinks {
    /** RFC 5881 section 4: control packets go to this port. */
    static final int CONTROL_PORT = 3784;
    private static final int SOURCE_PORT_MIN = 49152; // RFC 5881 section 4: source port range
    private static final int SOURCE_PORT_MAX = 65535;
    private static final Logger LOG = LoggerFactory.getLogger(BfdLinks.class);
    private static final DatagramSocketOptions OPTIONS = new DatagramSocketOptions()
            .setTrafficClass(TcpMd5Transport.BFD_TRAFFIC_CLASS).setIpV6(true);

    private final Vertx vertx;
    private final BgpMetrics metrics;
    private final int listenPort;
    private final int peerPort;
    private final Map<IpAddress, Link> byPeer = new HashMap<>();
    private final Map<Long, Link> byDiscriminator = new HashMap<>();
    private Future<DatagramSocket> receiver;
    private Future<DatagramSocket> sender;

    /** With the routers on the port of RFC 5881 section 4. */
    BfdLinks(Vertx vertx, BgpMetrics metrics) {
        this(vertx, metrics, CONTROL_PORT, CONTROL_PORT);
    }

    /**
     * @param listenPort UDP port control packets are received on
     * @param peerPort   UDP port the peers receive them on (two speakers on one host use two ports)
     */
    BfdLinks(Vertx vertx, BgpMetrics metrics, int listenPort, int peerPort) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.listenPort = listenPort;
        this.peerPort = peerPort;
    }

    /**
     * What a BGP session sees of its BFD session.
     *
     * @param detectionTime without the peer's packets for this long, the path counts as down (0 until the
     *                      peer's first packet)
     * @param profile       the configured intervals and multiplier
     */
    record View(BfdState state, BfdDiagnostic diagnostic, Duration detectionTime, BfdProfile profile) {}

    /** The BGP session that owns a BFD session. Called on the event loop. */
    interface Listener {
        /** The BFD session's view changed (state, diagnostic or detection time), or this listener took it over. */
        void bfdChanged(View view);

        /** A session that was Up found the path down (not when either side went AdminDown): why. */
        void pathDown(String why);
    }

    /**
     * Runs a BFD session with {@code peer} (replacing one with another profile) for {@code listener}, which
     * is told its view at once and whenever it changes. A listener that took over a session from another
     * (its BGP session was replaced) is the only one told from then on.
     */
    void run(String name, IpAddress peer, BfdProfile profile, Listener listener) {
        Link existing = byPeer.get(peer);
        if (existing != null) {
            if (existing.listener != listener) {
                existing.listener = listener;
                existing.told = null;
            }
            if (existing.profile.equals(profile)) {
                existing.tell();
            } else {
                existing.profile = profile;
                existing.step(new BfdEvent.ProfileChanged());
            }
            return;
        }
        open();
        long discriminator;
        do {
            discriminator = ThreadLocalRandom.current().nextLong(1, 0x1_0000_0000L);
        } while (byDiscriminator.containsKey(discriminator));
        Link link = new Link(name, peer, profile, listener);
        byPeer.put(peer, link);
        byDiscriminator.put(discriminator, link);
        link.started(BfdSession.start(profile, discriminator));
    }

    /**
     * Ends the session with {@code peer}, telling the router AdminDown first (RFC 5880 section 6.8.16). Its
     * listener is not told: its BGP session is gone or no longer runs BFD.
     */
    void end(IpAddress peer) {
        Link link = byPeer.remove(peer);
        if (link == null) {
            return;
        }
        link.listener = null;
        link.step(new BfdEvent.AdminDown());
        link.cancelTimers();
        byDiscriminator.remove(link.session.localDiscriminator());
        metrics.bfdState(link.name, -1);
    }

    /** Ends every session but those with these routers. */
    void endAllBut(Set<IpAddress> peers) {
        new ArrayList<>(byPeer.keySet()).stream().filter(p -> !peers.contains(p)).forEach(this::end);
    }

    /** The session with {@code peer}, or null when BFD is not run with it. */
    View view(IpAddress peer) {
        Link link = byPeer.get(peer);
        return link == null ? null : link.view();
    }

    Future<Void> close() {
        new ArrayList<>(byPeer.keySet()).forEach(this::end);
        Future<Void> closed = Future.succeededFuture();
        if (receiver != null) {
            closed = Future.all(receiver.compose(DatagramSocket::close), sender.compose(DatagramSocket::close))
                    .mapEmpty();
        }
        return closed.recover(e -> Future.succeededFuture());
    }

    private void open() {
        if (receiver != null) {
            return;
        }
        receiver = vertx.createDatagramSocket(OPTIONS).handler(this::received).listen(listenPort, "::")
                .onFailure(e -> LOG.error("BFD: cannot listen on UDP port {}: {}", listenPort, e.getMessage()));
        sender = bindSender(ThreadLocalRandom.current().nextInt(SOURCE_PORT_MIN, SOURCE_PORT_MAX + 1), 20);
    }

    /** A socket on a free source port of the range, trying {@code attempts} random ones. */
    private Future<DatagramSocket> bindSender(int port, int attempts) {
        return vertx.createDatagramSocket(OPTIONS).listen(port, "::").recover(e -> attempts <= 1
                ? Future.failedFuture(new IllegalStateException("BFD: no free UDP source port: " + e.getMessage()))
                : bindSender(ThreadLocalRandom.current().nextInt(SOURCE_PORT_MIN, SOURCE_PORT_MAX + 1), attempts - 1));
    }

    private void received(DatagramPacket datagram) {
        BfdPacket packet;
        try {
            packet = BfdPacket.decode(datagram.data().getBytes());
        } catch (BfdPacketException e) {
            metrics.bfdDropped(e.reason().toString().toLowerCase(java.util.Locale.ROOT));
            LOG.debug("BFD: packet from {} dropped: {}", datagram.sender(), e.getMessage());
            return;
        }
        IpAddress from = IpAddress.parse(unmapped(datagram.sender().host()));
        // RFC 5880 section 6.8.6: by our discriminator once the peer knows it, else by its address
        Link link = packet.yourDiscriminator() != 0 ? byDiscriminator.get(packet.yourDiscriminator()) : byPeer.get(from);
        if (link == null || !link.peer.equals(from)) {
            metrics.bfdDropped("no_session");
            LOG.debug("BFD: packet from {} for no session of ours dropped", from);
            return;
        }
        link.step(new BfdEvent.PacketReceived(packet));
    }

    private static String unmapped(String host) {
        return host.startsWith("::ffff:") && host.indexOf('.') > 0 ? host.substring("::ffff:".length()) : host;
    }

    /** One session: the pure state, its timers and its client. */
    private final class Link {
        private final String name;
        private final IpAddress peer;
        private BfdProfile profile;
        private Listener listener; // null once ended
        private View told; // what the listener last heard
        private BfdSession session;
        private long txTimer = -1;
        private long detectTimer = -1;
        private Duration txMin;
        private Duration txMax;
        private long lastPeriodicNanos = System.nanoTime();

        Link(String name, IpAddress peer, BfdProfile profile, Listener listener) {
            this.name = name;
            this.peer = peer;
            this.profile = profile;
            this.listener = listener;
        }

        void started(BfdTransition transition) {
            session = transition.next();
            metrics.bfdState(name, session.state().code());
            tell();
            transition.actions().forEach(this::execute);
        }

        View view() {
            return new View(session.state(), session.diagnostic(), session.detectionTime(), profile);
        }

        /** Tells the listener the view if it changed since it last heard it. */
        void tell() {
            View now = view();
            if (listener != null && !now.equals(told)) {
                told = now;
                listener.bfdChanged(now);
            }
        }

        void step(BfdEvent event) {
            BfdState before = session.state();
            BfdTransition transition = session.step(profile, event);
            session = transition.next();
            if (before != session.state()) {
                LOG.info("BFD with {} ({}): {} -> {}: {}", peer, name, before, session.state(), transition.reason());
                metrics.bfdState(name, session.state().code());
            }
            tell(); // before the actions: a path found down reaches the BGP session with its BFD state
            transition.actions().forEach(this::execute);
        }

        private void execute(BfdAction action) {
            if (action instanceof BfdAction.Send send) {
                byte[] bytes = send.packet().encode();
                sender.onSuccess(s -> s.send(Buffer.buffer(bytes), peerPort, peer.toString()));
            } else if (action instanceof BfdAction.TransmitEvery every) {
                txMin = every.min();
                txMax = every.max();
                scheduleTransmit();
            } else if (action instanceof BfdAction.StopTransmit) {
                txMin = null;
                cancel(txTimer);
                txTimer = -1;
            } else if (action instanceof BfdAction.StartDetectionTimer start) {
                cancel(detectTimer);
                detectTimer = vertx.setTimer(Math.max(1, start.after().toMillis()), id -> {
                    detectTimer = -1;
                    step(new BfdEvent.DetectionTimeExpired());
                });
            } else if (action instanceof BfdAction.SessionDown down && down.pathFailure() && listener != null) {
                listener.pathDown("BFD detected the path down (" + down.diagnostic() + ")");
            } else if (action instanceof BfdAction.Discarded discarded) {
                metrics.bfdDropped("discarded");
                LOG.debug("BFD: packet from {} discarded: {}", peer, discarded.why());
            }
        }

        /** The next periodic packet, a jittered interval after the last one (at once if that has passed). */
        private void scheduleTransmit() {
            cancel(txTimer);
            long jittered = ThreadLocalRandom.current().nextLong(txMin.toNanos(), txMax.toNanos() + 1);
            long dueInMillis = (lastPeriodicNanos + jittered - System.nanoTime()) / 1_000_000;
            txTimer = vertx.setTimer(Math.max(1, dueInMillis), id -> {
                txTimer = -1;
                lastPeriodicNanos = System.nanoTime();
                step(new BfdEvent.TransmitDue());
                if (txMin != null && txTimer == -1) {
                    scheduleTransmit();
                }
            });
        }

        void cancelTimers() {
            cancel(txTimer);
            cancel(detectTimer);
            txTimer = -1;
            detectTimer = -1;
        }

        private void cancel(long timer) {
            if (timer != -1) {
                vertx.cancelTimer(timer);
            }
        }
    }
}
