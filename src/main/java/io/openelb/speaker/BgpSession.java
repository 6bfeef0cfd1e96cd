package io.openelb.speaker;

import io.openelb.announce.BgpRoutes;
import io.openelb.api.v1alpha2.BgpPeerStatus;
import io.openelb.bgp.codec.BgpCodec;
import io.openelb.bgp.codec.BgpError;
import io.openelb.bgp.codec.BgpMessage;
import io.openelb.bgp.codec.PathAttribute;
import io.openelb.bgp.codec.Prefix;
import io.openelb.bgp.codec.Update;
import io.openelb.bgp.codec.UpdatePacker;
import io.openelb.bgp.fsm.Action;
import io.openelb.bgp.fsm.Event;
import io.openelb.bgp.fsm.Negotiated;
import io.openelb.bgp.fsm.Session;
import io.openelb.bgp.fsm.State;
import io.openelb.bgp.fsm.Timer;
import io.openelb.metrics.BgpMetrics;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.status.AdvertisedRoute;
import io.openelb.status.MessageCounts;
import io.openelb.status.NeighborView;
import io.openelb.status.SessionDetail;
import io.openelb.status.StatusBoard;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One BGP session of this node with one router: the socket, the timers and the Adj-RIB-Out. The pure
 * {@link Session} decides; this class carries out its actions. Every method runs on the owning
 * verticle's event loop.
 *
 * <p>Announces each desired address as a host route with this node's address on the session as next
 * hop, so routers with multipath install ECMP across the nodes.
 */
final class BgpSession {
    private static final Logger LOG = LoggerFactory.getLogger(BgpSession.class);

    private final Vertx vertx;
    private final PeerTarget target;
    private final NetClient client;
    private final Map<Timer, Long> timers = new EnumMap<>(Timer.class);
    private Session session = Session.idle();
    private NetSocket socket;
    private NetSocket incoming; // a connection the peer opened, while the FSM decides on it
    private long connection; // counts sockets, so that callbacks of an old one are ignored
    private BgpRoutes desired;
    private final Map<Prefix, AdvertisedRoute> advertised = new HashMap<>(); // Adj-RIB-Out, by prefix (path)
    private List<AdvertisedRoute> advertisedView = List.of(); // its last copy for the status board
    private boolean advertisedChanged;
    private Negotiated negotiated;
    private final BgpMetrics metrics;
    private final SessionReports status;
    private Instant establishedAt;
    private Instant lastEstablishedAt;
    private Instant downSince;
    private final long[] sent = new long[6]; // by message type 1-5; [0] the total
    private final long[] received = new long[6];
    private final StatusBoard board;
    private String lastError = "";
    private long publishedAt; // System.nanoTime() of the last neighbour view given to the board

    BgpSession(Vertx vertx, PeerTarget target, BgpMetrics metrics, SessionReports status, StatusBoard board) {
        this.vertx = vertx;
        this.target = target;
        this.metrics = metrics;
        this.status = status;
        this.board = board;
        this.desired = BgpRoutes.none("");
        // the metrics name marks the client as BGP's: TcpMd5Transport signs its sockets and sets the TTL
        this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
                .setMetricsName(TcpMd5Transport.bgpClient(target.ttl()))
                .setConnectTimeout((int) Math.max(1000, target.config().connectRetry().toMillis())));
    }

    PeerTarget target() {
        return target;
    }

    State state() {
        return session.state();
    }

    void start() {
        report();
        handle(new Event.Start());
    }

    /**
     * Ends the session and forgets its meters: with a Cease when the peer is gone or changed; when the
     * process is restarting, by just closing if graceful restart was negotiated (the router keeps our routes).
     */
    void stop(String reason, boolean restarting) {
        handle(new Event.Stop(reason, restarting));
        client.close();
        metrics.remove(target.name());
        board.neighborGone(target.name());
    }

    /** The routes this node should announce now (the cluster's plan); sent at once when Established. */
    void desired(BgpRoutes routes) {
        desired = routes;
        if (session.state() == State.ESTABLISHED) {
            sync();
        } else {
            pending();
        }
    }

    private void handle(Event event) {
        State before = session.state();
        var transition = session.step(target.config(), event);
        session = transition.next();
        if (before != session.state()) {
            LOG.info("peer {} ({}): {} -> {}{}", target.name(), target.address(), before, session.state(),
                    transition.reason().isEmpty() ? "" : ": " + transition.reason());
            metrics.state(target.name(), session.state().ordinal(), session.state() == State.ESTABLISHED);
            if (session.state().ordinal() < before.ordinal() && !transition.reason().isEmpty()) {
                lastError = transition.reason(); // it went back: why is what an operator looks for
            }
        }
        for (Action action : transition.actions()) {
            execute(action);
        }
        if (before != session.state()) {
            report();
        }
    }

    /** This node's view of the session, in OpenELB's status shape (gobgp's state names). */
    private void report() {
        BgpPeerStatus.PeerState peer = new BgpPeerStatus.PeerState();
        peer.neighborAddress = target.address().toString();
        peer.peerAs = target.config().peerAs();
        peer.localAs = target.config().localAs();
        peer.sessionState = session.state().name().replace("_", "");
        BgpPeerStatus.TimersState timers = new BgpPeerStatus.TimersState();
        if (negotiated != null) {
            peer.routerId = peerRouterId();
            timers.negotiatedHoldTime = String.valueOf(negotiated.holdTime().toSeconds());
            timers.keepaliveInterval = String.valueOf(negotiated.keepalive().toSeconds());
        }
        if (establishedAt != null) {
            timers.uptime = establishedAt.toString();
        }
        if (downSince != null) {
            timers.downtime = downSince.toString();
        }
        peer.advertisedPrefixes = advertised.size();
        peer.messages = new BgpPeerStatus.Messages();
        peer.messages.sent = counters(sent);
        peer.messages.received = counters(received);
        BgpPeerStatus.NodePeerStatus node = new BgpPeerStatus.NodePeerStatus();
        node.peerState = peer;
        node.timersState = timers;
        status.report(target.name(), node);
        publish();
    }

    /** This session's neighbour view for the HTTP API: no key, only what the operator may see. */
    private void publish() {
        publishedAt = System.nanoTime();
        board.neighbor(new NeighborView(target.name(), target.address().toString(), target.port(),
                target.config().localAs(), target.config().peerAs(), session.state().name(),
                establishedAt, downSince, view(sent), view(received), advertised.size(), pendingCount(),
                lastError, detail()));
    }

    private SessionDetail detail() {
        if (advertisedChanged) { // copied only when it changed: publishing live counters stays cheap
            advertisedView = List.copyOf(advertised.values());
            advertisedChanged = false;
        }
        var config = target.config();
        return new SessionDetail(
                socket == null ? "" : socket.localAddress().hostAddress().replaceFirst("^::ffff:", ""),
                negotiated == null ? "" : peerRouterId(),
                config.holdTime().toSeconds(), config.keepalive() == null ? 0 : config.keepalive().toSeconds(),
                config.connectRetry().toSeconds(),
                negotiated == null ? 0 : negotiated.holdTime().toSeconds(),
                negotiated == null ? 0 : negotiated.keepalive().toSeconds(),
                config.passive(), target.ttl(), config.gracefulRestartTime(),
                config.families().stream().sorted().toList(), lastEstablishedAt, advertisedView);
    }

    /** The peer's BGP identifier from its OPEN, dotted; only while {@code negotiated} is set. */
    private String peerRouterId() {
        return new IpAddress(IpFamily.IPV4, java.math.BigInteger.valueOf(negotiated.peerId())).toString();
    }

    private void clearAdvertised() {
        advertised.clear();
        advertisedChanged = true;
    }

    private static MessageCounts view(long[] byType) {
        return new MessageCounts(byType[0], byType[BgpMessage.OPEN], byType[BgpMessage.UPDATE],
                byType[BgpMessage.NOTIFICATION], byType[BgpMessage.KEEPALIVE], byType[BgpMessage.ROUTE_REFRESH]);
    }

    /** Addresses this node should announce to the peer while the session is not up to carry them. */
    private int pendingCount() {
        if (session.state() == State.ESTABLISHED) {
            return 0;
        }
        boolean addPath = !target.config().addPathSend().isEmpty();
        return (int) desired.announcers().entrySet().stream()
                .filter(e -> target.config().families().contains(e.getKey().family()))
                .filter(e -> addPath || e.getValue().contains(desired.self()))
                .count();
    }

    private void pending() {
        metrics.pending(target.name(), pendingCount());
    }

    private static BgpPeerStatus.MessageCounters counters(long[] byType) {
        BgpPeerStatus.MessageCounters c = new BgpPeerStatus.MessageCounters();
        c.total = String.valueOf(byType[0]);
        c.open = String.valueOf(byType[BgpMessage.OPEN]);
        c.update = String.valueOf(byType[BgpMessage.UPDATE]);
        c.notification = String.valueOf(byType[BgpMessage.NOTIFICATION]);
        c.keepalive = String.valueOf(byType[BgpMessage.KEEPALIVE]);
        c.refresh = String.valueOf(byType[BgpMessage.ROUTE_REFRESH]);
        return c;
    }

    private void execute(Action action) {
        if (action instanceof Action.Connect) {
            connect();
        } else if (action instanceof Action.Close) {
            close();
        } else if (action instanceof Action.Send send) {
            send(send.message());
        } else if (action instanceof Action.AdoptIncoming) {
            adopt(incoming, ++connection);
            incoming = null;
        } else if (action instanceof Action.RefuseIncoming refuse) {
            NetSocket refused = incoming;
            incoming = null;
            refused.write(Buffer.buffer(BgpCodec.encode(refuse.notification(), false)))
                    .onComplete(v -> refused.close());
        } else if (action instanceof Action.StartTimer start) {
            cancel(start.timer());
            long ms = start.after().toMillis();
            if (start.timer() == Timer.CONNECT_RETRY) {
                ms = Math.round(ms * ThreadLocalRandom.current().nextDouble(0.75, 1.25)); // jitter: no herds
            }
            timers.put(start.timer(), vertx.setTimer(Math.max(1, ms), id -> {
                timers.remove(start.timer());
                handle(new Event.TimerExpired(start.timer()));
            }));
        } else if (action instanceof Action.StopTimer stopTimer) {
            cancel(stopTimer.timer());
        } else if (action instanceof Action.SessionUp up) {
            negotiated = up.negotiated();
            establishedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            lastEstablishedAt = establishedAt;
            clearAdvertised();
            sync();
            for (IpFamily family : negotiated.families()) {
                send(UpdatePacker.endOfRib(family));
            }
        } else if (action instanceof Action.SessionDown) {
            if (establishedAt != null || downSince == null) {
                downSince = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            }
            negotiated = null;
            establishedAt = null;
            clearAdvertised();
            metrics.announced(target.name(), 0);
            pending();
        } else if (action instanceof Action.ResendAll) {
            clearAdvertised();
            sync();
        }
    }

    /**
     * A connection the router opened to our listener: the FSM takes it or refuses it (RFC 4271 section
     * 6.8 collision handling). True if it became the session's connection.
     */
    boolean accept(NetSocket connection) {
        incoming = connection;
        handle(new Event.Incoming());
        if (incoming != null) { // neither taken nor refused: cannot happen, but never leak a socket
            incoming.close();
            incoming = null;
            return false;
        }
        return socket == connection;
    }

    private void adopt(NetSocket s, long attempt) {
        socket = s;
        socket.handler(framer(attempt));
        socket.closeHandler(v -> {
            if (attempt == connection && socket != null) {
                socket = null;
                handle(new Event.TcpFailed("connection closed by peer"));
            }
        });
    }

    /**
     * Why a connection failed, readable: Netty reports ENETUNREACH/EHOSTUNREACH as an exception without a
     * message (shown as "null: /[2001:db8::1]:179"), so such a cause is named by its type ("no route to host").
     */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        if (message != null && !message.isBlank() && !message.startsWith("null")) {
            return message;
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root.getMessage() != null && !root.getMessage().isBlank() && !root.getMessage().startsWith("null")) {
            return root.getMessage();
        }
        String words = root.getClass().getSimpleName().replaceFirst("Exception$", "")
                .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        return message != null && message.startsWith("null") ? words + message.substring(4) : words;
    }

    private void connect() {
        long attempt = ++connection;
        client.connect(target.port(), target.address().toString()).onComplete(result -> {
            if (attempt != connection || session.state() != State.CONNECT) {
                if (result.succeeded()) {
                    result.result().close(); // a late answer to an attempt given up already
                }
                return;
            }
            if (result.failed()) {
                handle(new Event.TcpFailed(describe(result.cause())));
                return;
            }
            adopt(result.result(), attempt);
            handle(new Event.TcpConnected());
        });
    }

    /** Cuts the stream into messages: the 19-byte header says how long the rest is (RFC 4271 section 4.1). */
    private RecordParser framer(long attempt) {
        RecordParser parser = RecordParser.newFixed(BgpCodec.HEADER_LENGTH);
        Buffer[] header = new Buffer[1];
        parser.handler(chunk -> {
            if (attempt != connection) {
                return;
            }
            try {
                if (header[0] == null) {
                    int length = BgpCodec.frameLength(chunk.getBytes());
                    if (length == BgpCodec.HEADER_LENGTH) {
                        receive(chunk.getBytes());
                    } else {
                        header[0] = chunk.copy();
                        parser.fixedSizeMode(length - BgpCodec.HEADER_LENGTH);
                    }
                } else {
                    Buffer frame = header[0].appendBuffer(chunk);
                    header[0] = null;
                    parser.fixedSizeMode(BgpCodec.HEADER_LENGTH);
                    receive(frame.getBytes());
                }
            } catch (BgpError e) {
                LOG.warn("peer {}: {}", target.name(), e.getMessage());
                handle(new Event.DecodeFailed(e));
            }
        });
        return parser;
    }

    private void receive(byte[] frame) {
        BgpMessage message = BgpCodec.decode(frame, negotiated != null && negotiated.fourOctetAs());
        metrics.message(target.name(), false, typeName(message));
        if (message instanceof io.openelb.bgp.codec.Notification n) {
            metrics.notification(target.name(), false, n.code());
        }
        count(received, message);
        handle(new Event.MessageReceived(message));
    }

    private void send(BgpMessage message) {
        if (socket != null) {
            socket.write(Buffer.buffer(BgpCodec.encode(message, negotiated != null && negotiated.fourOctetAs())));
            metrics.message(target.name(), true, typeName(message));
            if (message instanceof io.openelb.bgp.codec.Notification n) {
                metrics.notification(target.name(), true, n.code());
            }
            count(sent, message);
        }
    }

    private void count(long[] byType, BgpMessage message) {
        byType[0]++;
        if (message.type() >= 1 && message.type() < byType.length) {
            byType[message.type()]++;
        }
        if (System.nanoTime() - publishedAt > 1_000_000_000L) { // live counters, at most once a second
            publish();
        }
    }

    private static String typeName(BgpMessage message) {
        return switch (message.type()) {
            case BgpMessage.OPEN -> "open";
            case BgpMessage.UPDATE -> "update";
            case BgpMessage.NOTIFICATION -> "notification";
            case BgpMessage.KEEPALIVE -> "keepalive";
            default -> "refresh";
        };
    }

    private void close() {
        connection++;
        if (socket != null) {
            NetSocket s = socket;
            socket = null;
            s.end().onComplete(v -> s.close()); // what was written first (a NOTIFICATION) still goes out
        }
    }

    private void cancel(Timer timer) {
        Long id = timers.remove(timer);
        if (id != null) {
            vertx.cancelTimer(id);
        }
    }

    /**
     * Sends what differs between the desired and the advertised routes, in packed UPDATEs: one batch per
     * next hop (several only under ADD-PATH, one per node).
     */
    private void sync() {
        if (negotiated == null || socket == null) {
            return;
        }
        IpAddress localNextHop = IpAddress.parse(socket.localAddress().hostAddress().replaceFirst("^::ffff:", ""));
        for (IpFamily family : negotiated.families()) {
            Map<Prefix, IpAddress> want = desired.of(family, negotiated.addPath().contains(family), localNextHop);
            List<Prefix> withdraw = new ArrayList<>();
            for (Prefix p : advertised.keySet()) {
                if (p.address().family() == family && !want.containsKey(p)) {
                    withdraw.add(p);
                }
            }
            Map<IpAddress, List<Prefix>> announce = new TreeMap<>();
            want.forEach((prefix, nextHop) -> {
                AdvertisedRoute was = advertised.get(prefix);
                if (was == null || !nextHop.equals(was.nextHop())) { // new, or its next hop moved (replaces)
                    announce.computeIfAbsent(nextHop, n -> new ArrayList<>()).add(prefix);
                }
            });
            if (!withdraw.isEmpty()) {
                UpdatePacker.withdraw(family, withdraw).forEach(this::send);
                withdraw.forEach(advertised::remove);
                advertisedChanged = true;
            }
            Instant now = announce.isEmpty() ? null : Instant.now().truncatedTo(ChronoUnit.SECONDS);
            announce.forEach((nextHop, prefixes) -> {
                UpdatePacker.announce(family, PathAttribute.AsPath.sequence(target.config().localAs()), nextHop,
                        prefixes, negotiated.fourOctetAs()).forEach(this::send);
                prefixes.forEach(p -> advertised.put(p, new AdvertisedRoute(p.address(), p.pathId(), nextHop, now)));
                advertisedChanged = true;
            });
            metrics.announced(target.name(), advertised.size());
            pending();
            if (!announce.isEmpty() || !withdraw.isEmpty()) {
                report();
                LOG.info("peer {}: announced {}, withdrew {} {} routes", target.name(),
                        announce.values().stream().mapToInt(List::size).sum(), withdraw.size(), family);
            }
        }
    }
}
