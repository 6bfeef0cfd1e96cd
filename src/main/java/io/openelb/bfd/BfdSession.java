package io.openelb.bfd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One BFD session in asynchronous mode (RFC 5880 section 6.8), pure: {@link #step} takes the session, its
 * profile and an event, and returns the next session with the actions to carry out. No sockets, clocks or
 * random numbers: the BFD shell owns those (it draws the transmit jitter inside the range it is given), so
 * tests need no sleeps. Immutable; the shell calls it from the one thread (event loop) that owns the session.
 *
 * <p>Passed the same profile at every step; a changed profile takes effect at the next event
 * ({@link BfdEvent.ProfileChanged} applies it at once). Intervals are in microseconds, as on the wire.
 *
 * @param state              bfd.SessionState
 * @param diagnostic         bfd.LocalDiag: why the state last changed ({@code NONE} once Up)
 * @param localDiscriminator bfd.LocalDiscr: chosen by the caller, nonzero and unique among the process's
 *                           sessions (section 6.8.1: preferably random)
 * @param detectMult         bfd.DetectMult, from the profile
 * @param desiredMinTxUs     bfd.DesiredMinTxInterval as advertised: at least 1 s while not Up (section 6.8.3)
 * @param requiredMinRxUs    bfd.RequiredMinRxInterval as advertised
 * @param txBasisUs          the desired minimum the transmit interval is computed from: the previous, lower
 *                           value while an increase made in Up waits for its Poll Sequence (section 6.8.3)
 * @param rxBasisUs          the required minimum the detection time is computed from: the previous, higher
 *                           value while a reduction made in Up waits for its Poll Sequence (section 6.8.3)
 * @param poll               where our Poll Sequence stands
 * @param transmitIntervalUs the periodic transmit interval in effect before jitter; 0: no periodic packets
 * @param remote             what the peer's last accepted packet said
 */
public record BfdSession(
        BfdState state,
        BfdDiagnostic diagnostic,
        long localDiscriminator,
        int detectMult,
        long desiredMinTxUs,
        long requiredMinRxUs,
        long txBasisUs,
        long rxBasisUs,
        Poll poll,
        long transmitIntervalUs,
        Remote remote) {
    /** Section 6.8.3: while not Up, bfd.DesiredMinTxInterval is at least one second. */
    public static final long SLOW_TX_US = 1_000_000;

    /**
     * Our Poll Sequence (section 6.5). A second change while one is under way makes the Final ambiguous, so
     * (section 6.8.3, choice 3) after that Final we wait for a packet without F, then poll again.
     */
    public enum Poll {
        NONE,
        POLLING,
        /** Polling, and our values changed again after the poll began. */
        POLLING_AGAIN,
        /** A poll ended while a newer change is pending: the next one starts after a packet without F. */
        AWAITING_NON_FINAL;

        /** Whether our packets carry the Poll (P) bit. */
        public boolean pollBit() {
            return this == POLLING || this == POLLING_AGAIN;
        }
    }

    /**
     * The bfd.Remote* variables and the timing values of the peer's last packet.
     *
     * @param discriminator  bfd.RemoteDiscr, 0 while unknown
     * @param requiredMinRxUs bfd.RemoteMinRxInterval (initially 1: no limit)
     * @param demand         bfd.RemoteDemandMode
     */
    public record Remote(BfdState state, long discriminator, long desiredMinTxUs, long requiredMinRxUs,
            int detectMult, boolean demand) {
        /** Section 6.8.1 initial values. */
        static final Remote INITIAL = new Remote(BfdState.DOWN, 0, 0, 1, 0, false);

        static Remote of(BfdPacket p) {
            return new Remote(p.state(), p.myDiscriminator(), p.desiredMinTxUs(), p.requiredMinRxUs(),
                    p.detectMult(), p.demand());
        }

        /** A Detection Time passed without a packet: forget the discriminator (6.8.1) and RX limit (6.8.18). */
        Remote forgotten() {
            return new Remote(state, 0, desiredMinTxUs, 1, detectMult, demand);
        }
    }

    /**
     * A new session in Down (section 6.8.1). Active: it sends its first packet now and then periodically;
     * passive: it waits for the peer's first packet (section 6.1).
     */
    public static BfdTransition start(BfdProfile profile, long localDiscriminator) {
        if (localDiscriminator <= 0 || localDiscriminator > 0xffff_ffffL) {
            throw new IllegalArgumentException("local discriminator must be 1..4294967295, got " + localDiscriminator);
        }
        long tx = Math.max(profile.minTxUs(), SLOW_TX_US);
        BfdSession created = new BfdSession(BfdState.DOWN, BfdDiagnostic.NONE, localDiscriminator,
                profile.detectMultiplier(), tx, profile.minRxUs(), tx, profile.minRxUs(), Poll.NONE, 0, Remote.INITIAL);
        BfdSession s = created.transmitting(created.periodicInterval(profile));
        if (s.transmitIntervalUs == 0) {
            return new BfdTransition(s, List.of(), "passive: waiting for the peer's first packet");
        }
        return new BfdTransition(s, List.of(new BfdAction.Send(s.packet(false, false)), s.transmitEvery()),
                "Down: sending");
    }

    /** The next session and what to do, for this event. */
    public BfdTransition step(BfdProfile profile, BfdEvent event) {
        if (event instanceof BfdEvent.PacketReceived received) {
            return received(profile, received.packet());
        }
        if (event instanceof BfdEvent.DetectionTimeExpired) {
            return detectionTimeExpired(profile);
        }
        if (event instanceof BfdEvent.TransmitDue) {
            return transmitDue(profile);
        }
        if (event instanceof BfdEvent.AdminDown) {
            return adminDown(profile);
        }
        if (event instanceof BfdEvent.AdminUp) {
            // section 6.8.16: enabling sets Down; the diagnostic keeps saying why it was down
            return state != BfdState.ADMIN_DOWN ? stay()
                    : settle(profile, with(BfdState.DOWN, diagnostic), false, false, List.of(), "AdminDown -> Down");
        }
        return settle(profile, this, false, false, List.of(), "");
    }

    /**
     * The Detection Time (section 6.8.4, asynchronous mode): the peer's Detect Mult times the greater of our
     * required minimum RX and the peer's desired minimum TX.
     */
    public Duration detectionTime() {
        return micros(remote.detectMult() * Math.max(rxBasisUs, remote.desiredMinTxUs()));
    }

    /** Section 6.8.6, after the checks {@link BfdPacket#decode} made. */
    private BfdTransition received(BfdProfile profile, BfdPacket packet) {
        if (packet.yourDiscriminator() != 0 && packet.yourDiscriminator() != localDiscriminator) {
            String why = "your discriminator " + packet.yourDiscriminator() + " is not this session's "
                    + localDiscriminator;
            return new BfdTransition(this, List.of(new BfdAction.Discarded(why)), why);
        }
        BfdSession noted = withRemote(Remote.of(packet)).answered(packet.fin());
        if (state == BfdState.ADMIN_DOWN) {
            // discarded here, after noting the peer's values (bfd.RemoteDiscr stays known, 6.8.1) and before
            // the state table and the Final reply
            return settle(profile, noted, false, true, List.of(), "");
        }
        BfdState peer = packet.state();
        BfdState next = nextState(peer);
        BfdDiagnostic diag = next == state ? diagnostic
                : next == BfdState.DOWN ? BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN
                : next == BfdState.UP ? BfdDiagnostic.NONE : diagnostic;
        List<BfdAction> notices = new ArrayList<>();
        if (next == BfdState.UP && state != BfdState.UP) {
            notices.add(new BfdAction.SessionUp());
        }
        if (state == BfdState.UP && next != BfdState.UP) {
            // RFC 5882 section 4.2: the peer's AdminDown is not a path failure
            notices.add(new BfdAction.SessionDown(diag, peer != BfdState.ADMIN_DOWN));
        }
        String reason = next == state ? "" : state + " -> " + next + " (peer " + peer + ")";
        return settle(profile, noted.with(next, diag), packet.poll(), true, notices, reason);
    }

    /** The table of section 6.8.6 (AdminDown discards before it): the three-way handshake both ways. */
    private BfdState nextState(BfdState peer) {
        if (peer == BfdState.ADMIN_DOWN) {
            return BfdState.DOWN;
        }
        return switch (state) {
            case DOWN -> peer == BfdState.DOWN ? BfdState.INIT : peer == BfdState.INIT ? BfdState.UP : BfdState.DOWN;
            case INIT -> peer == BfdState.INIT || peer == BfdState.UP ? BfdState.UP : BfdState.INIT;
            case UP -> peer == BfdState.DOWN ? BfdState.DOWN : BfdState.UP;
            default -> state;
        };
    }

    /** Section 6.8.4: Init or Up go Down; in any state the peer's discriminator is forgotten (6.8.1). */
    private BfdTransition detectionTimeExpired(BfdProfile profile) {
        boolean fails = state == BfdState.INIT || state == BfdState.UP;
        BfdSession next = withRemote(remote.forgotten());
        if (!fails) {
            return settle(profile, next, false, false, List.of(), "detection time expired: peer forgotten");
        }
        List<BfdAction> notices = state == BfdState.UP
                ? List.of(new BfdAction.SessionDown(BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED, true)) : List.of();
        return settle(profile, next.with(BfdState.DOWN, BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED), false, false,
                notices, state + " -> Down (detection time expired)");
    }

    /**
     * Section 6.8.16, with the diagnostic Administratively Down. We keep sending (the RFC allows it
     * indefinitely), so the peer keeps seeing AdminDown and does not take the silence for a failure.
     */
    private BfdTransition adminDown(BfdProfile profile) {
        if (state == BfdState.ADMIN_DOWN) {
            return stay();
        }
        List<BfdAction> notices = state == BfdState.UP
                ? List.of(new BfdAction.SessionDown(BfdDiagnostic.ADMINISTRATIVELY_DOWN, false)) : List.of();
        return settle(profile, with(BfdState.ADMIN_DOWN, BfdDiagnostic.ADMINISTRATIVELY_DOWN), false, false, notices,
                state + " -> AdminDown");
    }

    /** The periodic packet, unless this step already sent one or periodic transmission has stopped. */
    private BfdTransition transmitDue(BfdProfile profile) {
        BfdTransition settled = settle(profile, this, false, false, List.of(), "");
        BfdSession next = settled.next();
        if (next.transmitIntervalUs == 0 || settled.actions().stream().anyMatch(a -> a instanceof BfdAction.Send)) {
            return settled;
        }
        List<BfdAction> actions = new ArrayList<>(settled.actions());
        actions.add(0, new BfdAction.Send(next.packet(next.poll.pollBit(), false)));
        return new BfdTransition(next, actions, "");
    }

    /**
     * Brings {@code changed} in line with the profile and works out what to send (a Final reply, or at once
     * when our packet's contents changed: section 6.8.7), the transmit schedule and the detection timer,
     * then appends the notices for the client.
     */
    private BfdTransition settle(BfdProfile profile, BfdSession changed, boolean finalReply, boolean accepted,
            List<BfdAction> notices, String reason) {
        BfdSession retimed = changed.retimed(profile);
        BfdSession next = retimed.transmitting(retimed.periodicInterval(profile));
        List<BfdAction> actions = new ArrayList<>();
        if (finalReply) {
            // section 6.8.7: regardless of timers and state; P and F never together (6.5)
            actions.add(new BfdAction.Send(next.packet(false, true)));
        } else if (next.transmitIntervalUs != 0 && !next.packet(false, false).equals(packet(false, false))) {
            actions.add(new BfdAction.Send(next.packet(next.poll.pollBit(), false)));
        }
        if (next.transmitIntervalUs != transmitIntervalUs) {
            actions.add(next.transmitIntervalUs == 0 ? new BfdAction.StopTransmit() : next.transmitEvery());
        }
        if (accepted) {
            actions.add(new BfdAction.StartDetectionTimer(next.detectionTime()));
        }
        actions.addAll(notices);
        return new BfdTransition(next, actions, reason);
    }

    /**
     * Section 6.8.3: the advertised intervals for the state; a change starts a Poll Sequence, and in Up an
     * increase of TX or a reduction of RX only takes effect when the poll ends. bfd.DetectMult changes
     * without a poll (section 6.8.12).
     */
    private BfdSession retimed(BfdProfile profile) {
        boolean up = state == BfdState.UP;
        long tx = up ? profile.minTxUs() : Math.max(profile.minTxUs(), SLOW_TX_US);
        long rx = profile.minRxUs();
        boolean changed = tx != desiredMinTxUs || rx != requiredMinRxUs;
        Poll next = !changed ? poll : switch (poll) {
            case NONE -> Poll.POLLING;
            case POLLING, POLLING_AGAIN -> Poll.POLLING_AGAIN;
            case AWAITING_NON_FINAL -> Poll.AWAITING_NON_FINAL;
        };
        return new BfdSession(state, diagnostic, localDiscriminator, profile.detectMultiplier(), tx, rx,
                up ? Math.min(txBasisUs, tx) : tx, up ? Math.max(rxBasisUs, rx) : rx, next, transmitIntervalUs,
                remote);
    }

    /** Section 6.8.6: a Final ends our poll (held intervals take effect); see {@link Poll}. */
    private BfdSession answered(boolean fin) {
        return switch (poll) {
            case POLLING -> fin ? new BfdSession(state, diagnostic, localDiscriminator, detectMult, desiredMinTxUs,
                    requiredMinRxUs, desiredMinTxUs, requiredMinRxUs, Poll.NONE, transmitIntervalUs, remote) : this;
            case POLLING_AGAIN -> fin ? withPoll(Poll.AWAITING_NON_FINAL) : this;
            case AWAITING_NON_FINAL -> fin ? this : withPoll(Poll.POLLING);
            case NONE -> this;
        };
    }

    /**
     * Section 6.8.7: the greater of our desired minimum TX and the peer's required minimum RX; none while
     * passive and alone (6.1), when the peer wants no packets, or in the peer's Demand mode outside a poll.
     */
    private long periodicInterval(BfdProfile profile) {
        boolean passiveAlone = profile.passive() && remote.discriminator() == 0;
        boolean peerDemand = remote.demand() && state == BfdState.UP && remote.state() == BfdState.UP
                && !poll.pollBit();
        if (passiveAlone || remote.requiredMinRxUs() == 0 || peerDemand) {
            return 0;
        }
        return Math.max(txBasisUs, remote.requiredMinRxUs());
    }

    /** Section 6.8.7 jitter: each interval 0 to 25 % shorter (a multiplier of 1, which needs 75-90 %, is refused). */
    private BfdAction.TransmitEvery transmitEvery() {
        return new BfdAction.TransmitEvery(micros(transmitIntervalUs * 3 / 4), micros(transmitIntervalUs));
    }

    /**
     * Our packet as section 6.8.7 fills it. C clear: this BFD shares fate with the control plane (one JVM);
     * D clear: we never ask for Demand mode; Required Min Echo RX 0: we do not loop Echo packets back.
     */
    BfdPacket packet(boolean poll, boolean fin) {
        return new BfdPacket(diagnostic.code(), state, poll, fin, false, false, detectMult, localDiscriminator,
                remote.discriminator(), desiredMinTxUs, requiredMinRxUs, 0);
    }

    private BfdSession with(BfdState nextState, BfdDiagnostic nextDiagnostic) {
        return new BfdSession(nextState, nextDiagnostic, localDiscriminator, detectMult, desiredMinTxUs,
                requiredMinRxUs, txBasisUs, rxBasisUs, poll, transmitIntervalUs, remote);
    }

    private BfdSession withRemote(Remote nextRemote) {
        return new BfdSession(state, diagnostic, localDiscriminator, detectMult, desiredMinTxUs, requiredMinRxUs,
                txBasisUs, rxBasisUs, poll, transmitIntervalUs, nextRemote);
    }

    private BfdSession withPoll(Poll nextPoll) {
        return new BfdSession(state, diagnostic, localDiscriminator, detectMult, desiredMinTxUs, requiredMinRxUs,
                txBasisUs, rxBasisUs, nextPoll, transmitIntervalUs, remote);
    }

    private BfdSession transmitting(long intervalUs) {
        return new BfdSession(state, diagnostic, localDiscriminator, detectMult, desiredMinTxUs, requiredMinRxUs,
                txBasisUs, rxBasisUs, poll, intervalUs, remote);
    }

    private BfdTransition stay() {
        return new BfdTransition(this, List.of(), "");
    }

    private static Duration micros(long us) {
        return Duration.ofNanos(us * 1000);
    }
}
