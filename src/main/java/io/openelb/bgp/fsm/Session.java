package io.openelb.bgp.fsm;

import io.openelb.bgp.codec.BgpCodec;
import io.openelb.bgp.codec.BgpError;
import io.openelb.bgp.codec.BgpMessage;
import io.openelb.bgp.codec.Capability;
import io.openelb.bgp.codec.Keepalive;
import io.openelb.bgp.codec.Notification;
import io.openelb.bgp.codec.Open;
import io.openelb.bgp.codec.RouteRefresh;
import io.openelb.model.IpFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The BGP session state machine (RFC 4271 section 8), pure: {@link #step} takes the state and an event
 * and returns the next state with the actions to carry out. No sockets, no clocks, no threads: the
 * session verticle owns those and feeds events in, so tests need no sleeps.
 *
 * <p>Unlike GoBGP (which OpenELB embeds), the first connection attempt is made at once; later ones back
 * off exponentially from {@link SessionConfig#connectRetry} (the verticle adds jitter). After the peer's
 * Cease / Administrative Shutdown they wait longer still: see {@link RetryDelays}.
 *
 * @param failures  consecutive attempts that did not reach Established, for the back-off
 * @param shutdowns Administrative Shutdowns the peer sent since the session was last Established
 */
public record Session(State state, Negotiated negotiated, int failures, int shutdowns) {
    /** Hold time while waiting for the peer's OPEN (RFC 4271 section 8.2.2 suggests 4 minutes). */
    static final Duration OPEN_HOLD = Duration.ofMinutes(4);
    // RFC 6608: FSM error subcodes
    private static final int UNEXPECTED_IN_OPEN_SENT = 1;
    private static final int UNEXPECTED_IN_OPEN_CONFIRM = 2;
    private static final int UNEXPECTED_IN_ESTABLISHED = 3;

    public static Session idle() {
        return new Session(State.IDLE, null, 0, 0);
    }

    /**
     * The event for one whole message as it arrives in this state. Its header is checked first (RFC 4271
     * section 6.1); a type the state does not take is {@link Event.UnexpectedMessage} without its body
     * being decoded (RFC 6608: a malformed UPDATE in OpenConfirm is an FSM error, not an UPDATE error); any
     * other is decoded with the negotiated terms (AS number width, families). Throws {@link BgpError} for a
     * message that does not decode.
     */
    public Event eventFor(SessionConfig config, byte[] frame) {
        int type = BgpCodec.messageType(frame);
        if (!takes(type)) {
            return new Event.UnexpectedMessage(type);
        }
        return new Event.MessageReceived(negotiated == null ? BgpCodec.decode(frame, false)
                : BgpCodec.decode(frame, negotiated.fourOctetAs(), negotiated.families(),
                        config.peerAs() != config.localAs()));
    }

    /** The next state and what to do, for this event in this state. */
    public Transition step(SessionConfig config, Event event) {
        if (event instanceof Event.Start) {
            return state == State.IDLE ? attempt(config) : stay();
        }
        if (event instanceof Event.Stop stop) {
            List<Action> actions = new ArrayList<>();
            if (stop.restarting() && state == State.ESTABLISHED && negotiated.gracefulRestart()) {
                return down(idle(), actions, stop.reason()
                        + " (graceful restart: the peer keeps our routes for " + config.gracefulRestartTime() + " s)",
                        false);
            }
            if (state == State.OPEN_SENT || state == State.OPEN_CONFIRM || state == State.ESTABLISHED) {
                actions.add(new Action.Send(Notification.cease(BgpError.ADMINISTRATIVE_SHUTDOWN,
                        stop.communication())));
            }
            return down(idle(), actions, stop.reason(), false);
        }
        if (event instanceof Event.TimerExpired t) {
            return timer(config, t.timer());
        }
        if (event instanceof Event.TcpConnected) {
            if (state != State.CONNECT && state != State.ACTIVE) {
                return stay();
            }
            return opened(config, List.of(), "connected, OPEN sent");
        }
        if (event instanceof Event.Incoming) {
            return incoming(config);
        }
        if (event instanceof Event.PathDown down) {
            return state == State.IDLE ? stay() : retry(config, List.of(), down.why());
        }
        if (event instanceof Event.TcpFailed failed) {
            return state == State.IDLE ? stay() : retry(config, List.of(), "connection failed: " + failed.why());
        }
        if (event instanceof Event.DecodeFailed failed && failed.error().treatAsWithdraw()
                && state == State.ESTABLISHED) {
            // RFC 7606: the UPDATE's routes count as withdrawn; we take none from the peer, so: nothing to do
            return new Transition(this, List.of(holdTimer(negotiated)),
                    "UPDATE treated as withdraw (RFC 7606): " + failed.error().getMessage());
        }
        if (event instanceof Event.DecodeFailed failed) {
            return retry(config, List.of(new Action.Send(failed.error().toNotification())),
                    "malformed message from peer: " + failed.error().getMessage());
        }
        if (event instanceof Event.UnexpectedMessage unexpected) {
            return unexpected(config, unexpected.type());
        }
        return received(config, ((Event.MessageReceived) event).message());
    }

    /**
     * Whether this state takes a message of this type (RFC 4271 section 8.2.2, RFC 6608): a NOTIFICATION
     * always, OpenSent an OPEN, OpenConfirm a KEEPALIVE, Established all but an OPEN. Without a connection
     * (Idle, Connect, Active) a message can only be a late one of a closed socket: taken, and ignored.
     */
    private boolean takes(int type) {
        return type == BgpMessage.NOTIFICATION || switch (state) {
            case OPEN_SENT -> type == BgpMessage.OPEN;
            case OPEN_CONFIRM -> type == BgpMessage.KEEPALIVE;
            case ESTABLISHED -> type != BgpMessage.OPEN;
            default -> true;
        };
    }

    private Transition received(SessionConfig config, BgpMessage message) {
        if (message instanceof Notification n) {
            return notified(config, n);
        }
        if (!takes(message.type())) {
            return unexpected(config, message.type());
        }
        return switch (state) {
            case OPEN_SENT -> openReceived(config, (Open) message);
            case OPEN_CONFIRM -> new Transition(new Session(State.ESTABLISHED, negotiated, 0, 0),
                    List.of(holdTimer(negotiated), new Action.SessionUp(negotiated)), "Established");
            case ESTABLISHED -> {
                List<Action> actions = new ArrayList<>(List.of(holdTimer(negotiated)));
                if (message instanceof RouteRefresh) {
                    actions.add(new Action.ResendAll());
                }
                yield new Transition(this, actions, ""); // UPDATEs from the router are not needed: ignored
            }
            default -> stay(); // no connection in this state: a late message of a closed socket
        };
    }

    /**
     * The peer ended the session; the reason carries its shutdown communication (RFC 9003), if any. An
     * Administrative Shutdown (RFC 4486) is its operator's will, so it lengthens the wait before the next
     * attempt ({@link RetryDelays#next}); an Administrative Reset asks for a new session at once and does not.
     */
    private Transition notified(SessionConfig config, Notification n) {
        String reason = "peer sent NOTIFICATION " + n.code() + "/" + n.subcode()
                + n.shutdownCommunication().map(c -> ", shutdown communication " + c).orElse("");
        boolean shutDown = n.code() == BgpError.CEASE && n.subcode() == BgpError.ADMINISTRATIVE_SHUTDOWN;
        Session counted = new Session(state, negotiated, failures, shutdowns + (shutDown ? 1 : 0));
        return counted.retry(config, List.of(), reason);
    }

    /** RFC 4271 section 6.2 checks, then the negotiated terms. */
    private Transition openReceived(SessionConfig config, Open open) {
        if (open.as() != config.peerAs()) {
            byte[] data = {(byte) (open.myAs() >>> 8), (byte) open.myAs()};
            return retry(config, List.of(new Action.Send(new Notification(BgpError.OPEN_MESSAGE, BgpError.BAD_PEER_AS,
                    data))), "peer AS is " + open.as() + ", configured " + config.peerAs());
        }
        if (open.bgpId() == config.routerId() && open.as() == config.localAs()) {
            return retry(config, List.of(new Action.Send(new Notification(BgpError.OPEN_MESSAGE,
                    BgpError.BAD_BGP_IDENTIFIER, new byte[0]))), "peer uses our BGP identifier");
        }
        long holdSeconds = Math.min(config.holdTime().toSeconds(), open.holdTime());
        Duration hold = Duration.ofSeconds(holdSeconds);
        Duration keepalive = holdSeconds == 0 ? Duration.ZERO
                : config.keepalive() != null && config.keepalive().compareTo(hold) < 0 ? config.keepalive()
                : Duration.ofMillis(hold.toMillis() / 3);
        Set<IpFamily> families = EnumSet.noneOf(IpFamily.class);
        boolean peerAnnouncesFamilies = open.capabilities().stream().anyMatch(c -> c instanceof Capability.Multiprotocol);
        for (IpFamily family : config.families()) {
            // RFC 4760 section 8: a peer announcing no families speaks IPv4 unicast only
            boolean peerHas = peerAnnouncesFamilies
                    ? open.supportsFamily(BgpCodec.afi(family), BgpCodec.SAFI_UNICAST)
                    : family == IpFamily.IPV4;
            if (peerHas) {
                families.add(family);
            }
        }
        boolean fourOctet = open.capability(Capability.FourOctetAs.class).isPresent();
        boolean gracefulRestart = config.gracefulRestartTime() >= 0
                && open.capability(Capability.GracefulRestart.class).isPresent();
        Set<IpFamily> addPath = EnumSet.noneOf(IpFamily.class);
        for (IpFamily family : families) {
            boolean peerReceives = open.capability(Capability.AddPath.class).stream()
                    .flatMap(c -> c.families().stream())
                    .anyMatch(f -> f.afi() == BgpCodec.afi(family) && f.safi() == BgpCodec.SAFI_UNICAST
                            && (f.sendReceive() & 1) != 0);
            if (config.addPathSend().contains(family) && peerReceives) {
                addPath.add(family);
            }
        }
        Negotiated terms = new Negotiated(hold, keepalive, fourOctet, families, open.as(), open.bgpId(),
                gracefulRestart, addPath);
        List<Action> actions = new ArrayList<>(List.of(new Action.Send(Keepalive.INSTANCE), holdTimer(terms)));
        if (!keepalive.isZero()) {
            actions.add(new Action.StartTimer(Timer.KEEPALIVE, keepalive));
        }
        return new Transition(new Session(State.OPEN_CONFIRM, terms, failures, shutdowns), actions, "OPEN received");
    }

    /**
     * The peer connected to us (RFC 4271 section 6.8). Waiting (passive, or between attempts, like the
     * RFC's Active state) or still connecting: take it. OpenSent: keep ours (the peer's identifier is not
     * known yet; the RFC leaves this to the implementation). OpenConfirm: the connection opened by the
     * side with the higher BGP identifier wins. Established: keep ours. Stopped: refuse.
     */
    private Transition incoming(SessionConfig config) {
        Notification collision = new Notification(BgpError.CEASE, BgpError.CONNECTION_COLLISION_RESOLUTION,
                new byte[0]);
        boolean waiting = state == State.ACTIVE || state == State.IDLE && failures > 0;
        if (waiting || state == State.CONNECT) {
            List<Action> actions = new ArrayList<>();
            if (state == State.CONNECT) {
                actions.add(new Action.Close()); // our attempt in flight is dropped
            }
            actions.add(new Action.AdoptIncoming());
            return opened(config, actions, "peer connected, OPEN sent");
        }
        if (state == State.OPEN_CONFIRM && Long.compareUnsigned(config.routerId(), negotiated.peerId()) < 0) {
            return opened(config, List.of(new Action.Send(collision), new Action.Close(), new Action.StopTimer(Timer.KEEPALIVE),
                    new Action.AdoptIncoming()), "connection collision: the peer's connection wins (higher BGP identifier)");
        }
        return new Transition(this, List.of(new Action.RefuseIncoming(state == State.IDLE
                ? new Notification(BgpError.CEASE, BgpError.ADMINISTRATIVE_SHUTDOWN, new byte[0]) : collision)), "");
    }

    /** A connection is up: send our OPEN and wait up to {@link #OPEN_HOLD} for the peer's. */
    private Transition opened(SessionConfig config, List<Action> first, String reason) {
        List<Action> actions = new ArrayList<>(first);
        actions.add(new Action.StopTimer(Timer.CONNECT_RETRY));
        actions.add(new Action.Send(open(config)));
        actions.add(new Action.StartTimer(Timer.HOLD, OPEN_HOLD));
        return new Transition(new Session(State.OPEN_SENT, null, failures, shutdowns), actions, reason);
    }

    private Transition timer(SessionConfig config, Timer timer) {
        return switch (timer) {
            case CONNECT_RETRY -> state == State.IDLE || state == State.ACTIVE || state == State.CONNECT
                    ? attempt(config) : stay();
            case HOLD -> state == State.OPEN_SENT || state == State.OPEN_CONFIRM || state == State.ESTABLISHED
                    ? retry(config, List.of(new Action.Send(new Notification(BgpError.HOLD_TIMER_EXPIRED, 0,
                            new byte[0]))), "hold timer expired")
                    : stay();
            case KEEPALIVE -> state == State.OPEN_CONFIRM || state == State.ESTABLISHED
                    ? new Transition(this, List.of(new Action.Send(Keepalive.INSTANCE),
                            new Action.StartTimer(Timer.KEEPALIVE, negotiated.keepalive())), "")
                    : stay();
        };
    }

    /** Connect now (or, passive, wait for the peer), with the connect-retry timer as a watchdog. */
    private Transition attempt(SessionConfig config) {
        if (config.passive()) {
            return new Transition(new Session(State.ACTIVE, null, failures, shutdowns), List.of(),
                    "waiting for the peer");
        }
        return new Transition(new Session(State.CONNECT, null, failures, shutdowns), List.of(new Action.Connect(),
                new Action.StartTimer(Timer.CONNECT_RETRY, RetryDelays.backoff(config, failures + 1))), "connecting");
    }

    /** RFC 6608: FSM Error, the subcode naming the state, the message type as data. */
    private Transition unexpected(SessionConfig config, int type) {
        int subcode = switch (state) {
            case OPEN_SENT -> UNEXPECTED_IN_OPEN_SENT;
            case OPEN_CONFIRM -> UNEXPECTED_IN_OPEN_CONFIRM;
            case ESTABLISHED -> UNEXPECTED_IN_ESTABLISHED;
            default -> 0;
        };
        if (subcode == 0) {
            return stay(); // no connection in this state: a late message of a closed socket
        }
        Notification fsmError = new Notification(BgpError.FSM, subcode, new byte[] {(byte) type});
        return retry(config, List.of(new Action.Send(fsmError)), "unexpected message type " + type + " in " + state);
    }

    /** Close, count the failure, and try again after {@link RetryDelays#next}. */
    private Transition retry(SessionConfig config, List<Action> first, String reason) {
        Session next = new Session(State.IDLE, null, failures + 1, shutdowns);
        Transition t = down(next, first, reason, true);
        List<Action> actions = new ArrayList<>(t.actions());
        actions.add(new Action.StartTimer(Timer.CONNECT_RETRY, RetryDelays.next(config, next.failures, shutdowns)));
        return new Transition(next, actions, reason);
    }

    private Transition down(Session next, List<Action> first, String reason, boolean keepRetrying) {
        List<Action> actions = new ArrayList<>(first);
        actions.add(new Action.Close());
        actions.add(new Action.StopTimer(Timer.HOLD));
        actions.add(new Action.StopTimer(Timer.KEEPALIVE));
        if (!keepRetrying) {
            actions.add(new Action.StopTimer(Timer.CONNECT_RETRY));
        }
        actions.add(new Action.SessionDown(reason));
        return new Transition(next, actions, reason);
    }

    private static Action holdTimer(Negotiated terms) {
        return terms.holdTime().isZero() ? new Action.StopTimer(Timer.HOLD)
                : new Action.StartTimer(Timer.HOLD, terms.holdTime());
    }

    private Transition stay() {
        return new Transition(this, List.of(), "");
    }

    /** Our OPEN for this configuration (RFC 4271 section 4.2, RFC 5492 capabilities). */
    public static Open open(SessionConfig config) {
        List<Capability> capabilities = new ArrayList<>();
        for (IpFamily family : IpFamily.values()) {
            if (config.families().contains(family)) {
                capabilities.add(new Capability.Multiprotocol(BgpCodec.afi(family), BgpCodec.SAFI_UNICAST));
            }
        }
        capabilities.add(new Capability.RouteRefreshCapability());
        capabilities.add(new Capability.FourOctetAs(config.localAs()));
        List<Capability.AddPath.Family> addPath = config.addPathSend().stream().sorted()
                .filter(config.families()::contains)
                .map(f -> new Capability.AddPath.Family(BgpCodec.afi(f), BgpCodec.SAFI_UNICAST, 2)) // 2: send
                .toList();
        if (!addPath.isEmpty()) {
            capabilities.add(new Capability.AddPath(addPath));
        }
        if (config.gracefulRestartTime() >= 0) {
            List<Capability.GracefulRestart.Family> families = config.families().stream().sorted()
                    .map(f -> new Capability.GracefulRestart.Family(BgpCodec.afi(f), BgpCodec.SAFI_UNICAST, true))
                    .toList();
            capabilities.add(new Capability.GracefulRestart(false, config.gracefulRestartTime(), families));
        }
        int myAs = config.localAs() > 0xffff ? Open.AS_TRANS : (int) config.localAs();
        return new Open(4, myAs, (int) config.holdTime().toSeconds(), config.routerId(), capabilities);
    }
}
