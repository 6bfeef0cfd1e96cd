package io.openelb.speaker;

import io.openelb.api.v1alpha2.BgpPeerStatus;
import io.openelb.bgp.codec.BgpError;
import io.openelb.bgp.codec.BgpMessage;
import io.openelb.bgp.codec.Notification;
import io.openelb.bgp.fsm.Negotiated;
import io.openelb.bgp.fsm.State;
import io.openelb.metrics.BgpMetrics;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.status.BfdView;
import io.openelb.status.MessageCounts;
import io.openelb.status.NeighborView;
import io.openelb.status.SessionDetail;
import io.openelb.status.StatusBoard;
import java.math.BigInteger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns what happens to a session into what others see: the neighbour view on the
 * {@link StatusBoard} (HTTP API, web page, gRPC), this node's entry in the BgpPeer's status (through
 * {@link SessionReports}), the session's meters and its log lines about state and routes. Keeps the
 * history the session itself does not need: message counts, when it came up and went down, the last error,
 * and how its BFD session stands. Called on the session's event loop.
 */
final class SessionObserver {
    private static final Logger LOG = LoggerFactory.getLogger(SessionObserver.class);

    /**
     * What the observer reads from its session when it reports.
     *
     * @param negotiated   the terms while Established, else null
     * @param localAddress this node's address on the connection, or ""
     * @param pending      addresses waiting for the session to come up (0 when it is up)
     */
    record Facts(State state, Negotiated negotiated, String localAddress, int pending) {}

    private final PeerTarget target;
    private final BgpMetrics metrics;
    private final SessionReports status;
    private final StatusBoard board;
    private final AdjRibOut adjRibOut;
    private final Supplier<Facts> facts;
    private final long[] sent = new long[6]; // by message type 1-5; [0] the total
    private final long[] received = new long[6];
    private Instant establishedAt;
    private Instant lastEstablishedAt;
    private Instant downSince;
    private String lastError = "";
    private BfdLinks.View bfd; // null without BFD
    private long publishedAt; // System.nanoTime() of the last neighbour view given to the board

    SessionObserver(PeerTarget target, BgpMetrics metrics, SessionReports status, StatusBoard board,
            AdjRibOut adjRibOut, Supplier<Facts> facts) {
        this.target = target;
        this.metrics = metrics;
        this.status = status;
        this.board = board;
        this.adjRibOut = adjRibOut;
        this.facts = facts;
    }

    /** The state machine moved from {@code before} to {@code after}; called before its actions run. */
    void moved(State before, State after, String reason) {
        LOG.info("peer {} ({}): {} -> {}{}", target.name(), target.address(), before, after,
                reason.isEmpty() ? "" : ": " + reason);
        metrics.state(target.name(), after.ordinal(), after == State.ESTABLISHED);
        if (after.ordinal() < before.ordinal() && !reason.isEmpty()) {
            lastError = reason; // it went back: why is what an operator looks for
        }
    }

    /** The session became Established. */
    void up() {
        establishedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        lastEstablishedAt = establishedAt;
    }

    /** The session left Established, or never got there; its routes are forgotten. */
    void down() {
        if (establishedAt != null || downSince == null) {
            downSince = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        }
        establishedAt = null;
        metrics.announced(target.name(), 0);
        pending();
    }

    /** The routes that wait for the session changed. */
    void pending() {
        metrics.pending(target.name(), facts.get().pending());
    }

    /** One family's routes were brought up to date with what {@code delta} sent. */
    void synced(AdjRibOut.Delta delta) {
        metrics.announced(target.name(), adjRibOut.size());
        pending();
        if (!delta.isEmpty()) {
            report();
            LOG.info("peer {}: announced {}, withdrew {} {} routes", target.name(), delta.announced(),
                    delta.withdrawn(), delta.family());
        }
    }

    /** A message went out ({@code outgoing}) or came in: meters, counters, and now and then the board. */
    void message(boolean outgoing, BgpMessage message) {
        metrics.message(target.name(), outgoing, typeName(message));
        if (message instanceof Notification n) {
            metrics.notification(target.name(), outgoing, n.code());
            if (!outgoing) {
                n.shutdownCommunication().ifPresent(text -> LOG.info("peer {} ({}) {} the session: {}", target.name(),
                        target.address(), n.subcode() == BgpError.ADMINISTRATIVE_RESET ? "reset" : "shut down", text));
            }
        }
        long[] byType = outgoing ? sent : received;
        byType[0]++;
        if (message.type() >= 1 && message.type() < byType.length) {
            byType[message.type()]++;
        }
        if (System.nanoTime() - publishedAt > 1_000_000_000L) { // live counters, at most once a second
            publish(facts.get());
        }
    }

    /**
     * Its BFD session changed, or BFD was turned off ({@code view} null): a new state or diagnostic is a
     * session-level change (BgpPeer status within {@link PeerStatusWriter#INTERVAL_MS}); a new detection
     * time only refreshes the neighbour view.
     */
    void bfd(BfdLinks.View view) {
        BfdLinks.View before = bfd;
        bfd = view;
        if (view == null) {
            if (before != null) {
                report();
            }
        } else if (before == null || before.state() != view.state() || before.diagnostic() != view.diagnostic()) {
            report();
        } else {
            publish(facts.get());
        }
    }

    /** The session is gone for good: its meters and its neighbour view go with it. */
    void gone() {
        metrics.remove(target.name());
        board.neighborGone(target.name());
    }

    /** This node's view of the session, in OpenELB's status shape (gobgp's state names), and on the board. */
    void report() {
        Facts now = facts.get();
        BgpPeerStatus.PeerState peer = new BgpPeerStatus.PeerState();
        peer.neighborAddress = target.address().toString();
        peer.peerAs = target.config().peerAs();
        peer.localAs = target.config().localAs();
        peer.sessionState = now.state().name().replace("_", "");
        BgpPeerStatus.TimersState timers = new BgpPeerStatus.TimersState();
        if (now.negotiated() != null) {
            peer.routerId = routerId(now.negotiated());
            timers.negotiatedHoldTime = String.valueOf(now.negotiated().holdTime().toSeconds());
            timers.keepaliveInterval = String.valueOf(now.negotiated().keepalive().toSeconds());
        }
        if (establishedAt != null) {
            timers.uptime = establishedAt.toString();
        }
        if (downSince != null) {
            timers.downtime = downSince.toString();
        }
        peer.advertisedPrefixes = adjRibOut.size();
        peer.lastError = lastError; // "" too: a merge patch keeps a field left out, an older session's reason
        peer.messages = new BgpPeerStatus.Messages();
        peer.messages.sent = counters(sent);
        peer.messages.received = counters(received);
        BgpPeerStatus.NodePeerStatus node = new BgpPeerStatus.NodePeerStatus();
        node.peerState = peer;
        node.timersState = timers;
        node.bfd = bfdStatus(bfd);
        status.report(target.name(), node);
        publish(now);
    }

    /** This session's neighbour view for the HTTP API: no key, only what the operator may see. */
    private void publish(Facts now) {
        publishedAt = System.nanoTime();
        board.neighbor(new NeighborView(target.name(), target.address().toString(), target.port(),
                target.config().localAs(), target.config().peerAs(), now.state().name(),
                establishedAt, downSince, view(sent), view(received), adjRibOut.size(), now.pending(),
                lastError, detail(now), bfdView(bfd)));
    }

    private static BgpPeerStatus.Bfd bfdStatus(BfdLinks.View view) {
        if (view == null) {
            return null;
        }
        BgpPeerStatus.Bfd out = new BgpPeerStatus.Bfd();
        out.state = oneWord(view.state());
        out.diagnostic = oneWord(view.diagnostic());
        return out;
    }

    private static BfdView bfdView(BfdLinks.View view) {
        return view == null ? null : new BfdView(oneWord(view.state()), oneWord(view.diagnostic()),
                view.detectionTime().toMillis(), view.profile().minTx().toMillis(), view.profile().minRx().toMillis(),
                view.profile().detectMultiplier(), view.profile().passive());
    }

    /** A BFD state or diagnostic as the status shows it: {@code ADMIN_DOWN} is {@code AdminDown}. */
    private static String oneWord(Enum<?> value) {
        StringBuilder out = new StringBuilder();
        for (String word : value.name().split("_")) {
            out.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }

    private SessionDetail detail(Facts now) {
        var config = target.config();
        Negotiated terms = now.negotiated();
        return new SessionDetail(now.localAddress(), terms == null ? "" : routerId(terms),
                config.holdTime().toSeconds(), config.keepalive() == null ? 0 : config.keepalive().toSeconds(),
                config.connectRetry().toSeconds(),
                terms == null ? 0 : terms.holdTime().toSeconds(),
                terms == null ? 0 : terms.keepalive().toSeconds(),
                config.passive(), target.ttl(), config.gracefulRestartTime(),
                config.families().stream().sorted().toList(), lastEstablishedAt, adjRibOut.routes());
    }

    /** The peer's BGP identifier from its OPEN, dotted. */
    private static String routerId(Negotiated terms) {
        return new IpAddress(IpFamily.IPV4, BigInteger.valueOf(terms.peerId())).toString();
    }

    private static MessageCounts view(long[] byType) {
        return new MessageCounts(byType[0], byType[BgpMessage.OPEN], byType[BgpMessage.UPDATE],
                byType[BgpMessage.NOTIFICATION], byType[BgpMessage.KEEPALIVE], byType[BgpMessage.ROUTE_REFRESH]);
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

    private static String typeName(BgpMessage message) {
        return switch (message.type()) {
            case BgpMessage.OPEN -> "open";
            case BgpMessage.UPDATE -> "update";
            case BgpMessage.NOTIFICATION -> "notification";
            case BgpMessage.KEEPALIVE -> "keepalive";
            default -> "refresh";
        };
    }
}
