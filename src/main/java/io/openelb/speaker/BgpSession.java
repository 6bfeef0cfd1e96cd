package io.openelb.speaker;

import io.openelb.announce.BgpRoutes;
import io.openelb.bgp.codec.BgpCodec;
import io.openelb.bgp.codec.BgpMessage;
import io.openelb.bgp.codec.UpdatePacker;
import io.openelb.bgp.fsm.Action;
import io.openelb.bgp.fsm.Event;
import io.openelb.bgp.fsm.Negotiated;
import io.openelb.bgp.fsm.Session;
import io.openelb.bgp.fsm.State;
import io.openelb.bgp.fsm.Transition;
import io.openelb.metrics.BgpMetrics;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.status.StatusBoard;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Queue;

/**
 * One BGP session of this node with one router. The pure {@link Session} decides; this class feeds it
 * the events of its {@link PeerConnection} and {@link SessionTimers} and carries out its actions, sending
 * what the {@link AdjRibOut} computes; the {@link SessionObserver} makes it visible. It listens to its BFD
 * session, if it has one ({@link BfdLinks}). Every method runs on the owning verticle's event loop.
 *
 * <p>Announces each desired address as a host route with this node's address on the session as next
 * hop, so routers with multipath install ECMP across the nodes.
 */
final class BgpSession implements BfdLinks.Listener {
    private final PeerTarget target;
    private final PeerConnection connection;
    private final SessionTimers timers;
    private final AdjRibOut adjRibOut;
    private final SessionObserver observer;
    private final Queue<Event> queued = new ArrayDeque<>();
    private boolean handling;
    private Session session = Session.idle();
    private BgpRoutes desired = BgpRoutes.none("");
    private Negotiated negotiated; // while Established

    BgpSession(Vertx vertx, PeerTarget target, BgpMetrics metrics, SessionReports status, StatusBoard board) {
        this.target = target;
        this.adjRibOut = new AdjRibOut(target.name(), Clock.systemUTC());
        this.connection = new PeerConnection(vertx, target, new PeerConnection.Listener() {
            @Override
            public boolean connecting() {
                return session.state() == State.CONNECT;
            }

            @Override
            public void event(Event event) {
                handle(event);
            }

            @Override
            public void frame(byte[] frame) {
                receive(frame);
            }
        });
        this.timers = new SessionTimers(vertx, timer -> handle(new Event.TimerExpired(timer)));
        this.observer = new SessionObserver(target, metrics, status, board, adjRibOut, this::facts);
    }

    PeerTarget target() {
        return target;
    }

    State state() {
        return session.state();
    }

    void start() {
        observer.report();
        handle(new Event.Start());
    }

    /**
     * Ends the session and forgets its meters: with a Cease when the peer is gone or changed, the reason as
     * its shutdown communication for the router's operator (RFC 8203); when the process is restarting, by
     * just closing if graceful restart was negotiated (the router keeps our routes).
     */
    void stop(String reason, boolean restarting) {
        handle(new Event.Stop(reason, restarting, "openelb: " + reason));
        connection.dispose();
        observer.gone();
    }

    /** BFD found the path to the router down: the session goes down now, not when its hold timer expires. */
    @Override
    public void pathDown(String why) {
        handle(new Event.PathDown(why));
    }

    /** Its BFD session changed: shown with the session (status, HTTP API). */
    @Override
    public void bfdChanged(BfdLinks.View view) {
        observer.bfd(view);
    }

    /** The routes this node should announce now (the cluster's plan); sent at once when Established. */
    void desired(BgpRoutes routes) {
        desired = routes;
        if (session.state() == State.ESTABLISHED) {
            sync();
        } else {
            observer.pending();
        }
    }

    /** As {@link #desired(BgpRoutes)} when only these addresses' announcers changed: syncs those alone. */
    void desired(BgpRoutes routes, Collection<IpAddress> changed) {
        desired = routes;
        if (session.state() != State.ESTABLISHED) {
            observer.pending();
        } else if (!changed.isEmpty()) {
            sync(changed);
        }
    }

    /**
     * A connection the router opened to our listener: the FSM takes it or refuses it (RFC 4271 section
     * 6.8 collision handling). True if it became the session's connection.
     */
    boolean accept(NetSocket offered) {
        connection.offer(offered);
        handle(new Event.Incoming());
        return connection.settled(offered);
    }

    /**
     * Feeds an event to the state machine. One raised while the actions of another run (a write that
     * fails at once) waits until they are done: each transition's actions run as one, in order.
     */
    private void handle(Event event) {
        queued.add(event);
        if (handling) {
            return;
        }
        handling = true;
        try {
            for (Event next = queued.poll(); next != null; next = queued.poll()) {
                step(next);
            }
        } finally {
            handling = false;
        }
    }

    private void step(Event event) {
        State before = session.state();
        Transition transition = session.step(target.config(), event);
        session = transition.next();
        if (before != session.state()) {
            observer.moved(before, session.state(), transition.reason());
        }
        transition.actions().forEach(this::execute);
        if (before != session.state()) {
            observer.report();
        }
    }

    private void execute(Action action) {
        if (action instanceof Action.Connect) {
            connection.connect();
        } else if (action instanceof Action.Close) {
            connection.close();
        } else if (action instanceof Action.Send send) {
            send(send.message());
        } else if (action instanceof Action.AdoptIncoming) {
            connection.adoptIncoming();
        } else if (action instanceof Action.RefuseIncoming refuse) {
            connection.refuseIncoming(BgpCodec.encode(refuse.notification(), false));
        } else if (action instanceof Action.StartTimer start) {
            timers.start(start.timer(), start.after());
        } else if (action instanceof Action.StopTimer stop) {
            timers.cancel(stop.timer());
        } else if (action instanceof Action.SessionUp up) {
            up(up.negotiated());
        } else if (action instanceof Action.SessionDown) {
            down();
        } else if (action instanceof Action.ResendAll) {
            adjRibOut.clear();
            sync();
        }
    }

    /** Established: everything goes out afresh, then End-of-RIB per family (RFC 4724). */
    private void up(Negotiated terms) {
        negotiated = terms;
        observer.up();
        adjRibOut.clear();
        sync();
        for (IpFamily family : negotiated.families()) {
            send(UpdatePacker.endOfRib(family));
        }
    }

    private void down() {
        negotiated = null;
        adjRibOut.clear();
        observer.down();
    }

    /** Sends what differs between the desired and the advertised routes, family by family. */
    private void sync() {
        sync(null);
    }

    /** As {@link #sync()}, for these addresses only (null: every address). */
    private void sync(Collection<IpAddress> only) {
        String local = connection.localAddress();
        if (negotiated == null || local.isEmpty()) {
            return;
        }
        IpAddress localNextHop = IpAddress.parse(local);
        long localAs = target.config().localAs();
        for (IpFamily family : negotiated.families()) {
            AdjRibOut.Delta delta = only == null ? adjRibOut.sync(desired, family, negotiated, localNextHop, localAs)
                    : adjRibOut.sync(desired, only, family, negotiated, localNextHop, localAs);
            delta.updates().forEach(this::send);
            observer.synced(delta);
        }
    }

    /** One message from the peer; the state machine's state decides whether its body is decoded (RFC 6608). */
    private void receive(byte[] frame) {
        Event event = session.eventFor(target.config(), frame);
        if (event instanceof Event.MessageReceived received) {
            observer.message(false, received.message());
        }
        handle(event);
    }

    private void send(BgpMessage message) {
        if (connection.open()) {
            connection.write(BgpCodec.encode(message, fourOctetAs()));
            observer.message(true, message);
        }
    }

    private boolean fourOctetAs() {
        return negotiated != null && negotiated.fourOctetAs();
    }

    private SessionObserver.Facts facts() {
        int pending = session.state() == State.ESTABLISHED ? 0 : adjRibOut.pending(desired, target.config());
        return new SessionObserver.Facts(session.state(), negotiated, connection.localAddress(), pending);
    }
}
