package io.openelb.bfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session state machine driven event by event: no sockets, no clocks, no sleeps. */
class BfdSessionTest {
    private static final long OURS = 0x01020304L;
    private static final long PEER = 0x3a9c41d2L;
    private static final BfdProfile ACTIVE = new BfdProfile(ms(300), ms(300), 3, false);
    private static final BfdProfile PASSIVE = new BfdProfile(ms(300), ms(300), 3, true);

    // --- start and the three-way handshake

    @Test
    void anActiveSessionSendsDownAtOnceThenOncePerSecond() {
        BfdTransition t = BfdSession.start(ACTIVE, OURS);

        assertThat(t.next().state()).isEqualTo(BfdState.DOWN);
        assertThat(t.actions()).containsExactly(
                send(ours(0, BfdState.DOWN, 0, 1_000_000, 300_000)),
                new BfdAction.TransmitEvery(ms(750), ms(1000)));
    }

    @Test
    void aPassiveSessionSendsNothingUntilThePeersFirstPacket() {
        BfdSession waiting = BfdSession.start(PASSIVE, OURS).next();
        assertThat(BfdSession.start(PASSIVE, OURS).actions()).isEmpty();
        assertThat(waiting.step(PASSIVE, new BfdEvent.TransmitDue()).actions()).isEmpty();

        BfdTransition t = waiting.step(PASSIVE, received(peer(BfdState.DOWN, 0)));

        assertThat(t.next().state()).isEqualTo(BfdState.INIT);
        assertThat(t.actions()).containsExactly(
                send(ours(0, BfdState.INIT, PEER, 1_000_000, 300_000)),
                new BfdAction.TransmitEvery(ms(750), ms(1000)),
                new BfdAction.StartDetectionTimer(ms(3000)));
    }

    @Test
    void downInitUpWhenThePeerStartsDownToo() {
        BfdSession down = BfdSession.start(ACTIVE, OURS).next();

        BfdTransition init = down.step(ACTIVE, received(peer(BfdState.DOWN, 0)));
        assertThat(init.next().state()).isEqualTo(BfdState.INIT);
        assertThat(init.actions()).containsExactly(send(ours(0, BfdState.INIT, PEER, 1_000_000, 300_000)),
                new BfdAction.StartDetectionTimer(ms(3000)));

        BfdTransition up = init.next().step(ACTIVE, received(peer(BfdState.UP, OURS)));
        assertThat(up.next().state()).isEqualTo(BfdState.UP);
        // Up: the fast interval is advertised with a Poll (section 6.8.3) and used at once (a decrease)
        assertThat(up.actions()).containsExactly(
                send(polled(ours(0, BfdState.UP, PEER, 300_000, 300_000))),
                new BfdAction.TransmitEvery(ms(225), ms(300)),
                new BfdAction.StartDetectionTimer(ms(900)),
                new BfdAction.SessionUp());
        assertThat(up.reason()).isEqualTo("INIT -> UP (peer UP)");

        BfdTransition answered = up.next().step(ACTIVE, received(answering(peer(BfdState.UP, OURS))));
        assertThat(answered.next().poll()).isEqualTo(BfdSession.Poll.NONE);
        assertThat(answered.actions()).containsExactly(new BfdAction.StartDetectionTimer(ms(900)));
    }

    @Test
    void downToUpWhenThePeerIsAlreadyInInit() {
        BfdSession down = BfdSession.start(ACTIVE, OURS).next();

        BfdTransition t = down.step(ACTIVE, received(peer(BfdState.INIT, OURS)));

        assertThat(t.next().state()).isEqualTo(BfdState.UP);
        assertThat(t.actions()).contains(new BfdAction.SessionUp());
    }

    @Test
    void aPeerStillUpMustFirstSayDown() {
        BfdSession down = BfdSession.start(ACTIVE, OURS).next();

        BfdTransition t = down.step(ACTIVE, received(peer(BfdState.UP, OURS)));

        assertThat(t.next().state()).isEqualTo(BfdState.DOWN);
        // the peer learns our discriminator and that we are Down, and goes Down itself
        assertThat(t.actions()).containsExactly(send(ours(0, BfdState.DOWN, PEER, 1_000_000, 300_000)),
                new BfdAction.StartDetectionTimer(ms(900)));
    }

    // --- going down

    @Test
    void detectionTimeExpiryInUpIsAPathFailureWithDiagnostic1() {
        BfdTransition t = up(ACTIVE).step(ACTIVE, new BfdEvent.DetectionTimeExpired());

        assertThat(t.next().state()).isEqualTo(BfdState.DOWN);
        assertThat(t.next().diagnostic()).isEqualTo(BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED);
        assertThat(t.next().remote().discriminator()).isZero();
        assertThat(t.actions()).containsExactly(
                send(polled(ours(1, BfdState.DOWN, 0, 1_000_000, 300_000))),
                new BfdAction.TransmitEvery(ms(750), ms(1000)),
                new BfdAction.SessionDown(BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED, true));
    }

    @Test
    void detectionTimeExpiryInInitGoesDownWithoutTellingTheClient() {
        BfdSession init = BfdSession.start(ACTIVE, OURS).next().step(ACTIVE, received(peer(BfdState.DOWN, 0))).next();

        BfdTransition t = init.step(ACTIVE, new BfdEvent.DetectionTimeExpired());

        assertThat(t.next().state()).isEqualTo(BfdState.DOWN);
        assertThat(t.next().diagnostic()).isEqualTo(BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED);
        assertThat(t.actions()).containsExactly(send(ours(1, BfdState.DOWN, 0, 1_000_000, 300_000)));
    }

    @Test
    void detectionTimeExpiryInDownForgetsThePeerAndAPassiveSessionFallsSilent() {
        BfdSession s = BfdSession.start(PASSIVE, OURS).next().step(PASSIVE, received(peer(BfdState.UP, OURS))).next();
        assertThat(s.state()).isEqualTo(BfdState.DOWN);

        BfdTransition t = s.step(PASSIVE, new BfdEvent.DetectionTimeExpired());

        assertThat(t.next().state()).isEqualTo(BfdState.DOWN);
        assertThat(t.next().remote().discriminator()).isZero();
        assertThat(t.next().remote().requiredMinRxUs()).isEqualTo(1); // section 6.8.18
        assertThat(t.actions()).containsExactly(new BfdAction.StopTransmit());
    }

    @Test
    void thePeerSayingDownIsAPathFailureWithDiagnostic3() {
        BfdTransition t = up(ACTIVE).step(ACTIVE, received(peer(BfdState.DOWN, 0)));

        assertThat(t.next().state()).isEqualTo(BfdState.DOWN);
        assertThat(t.next().diagnostic()).isEqualTo(BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
        assertThat(t.actions()).contains(new BfdAction.SessionDown(BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN, true));
    }

    @Test
    void thePeerGoingAdminDownTakesUsDownButIsNotAPathFailure() {
        // RFC 5882 sections 3.2 and 4.2: the client (BGP) should keep its session
        BfdTransition t = up(ACTIVE).step(ACTIVE, received(peer(BfdState.ADMIN_DOWN, OURS, 7)));

        assertThat(t.next().state()).isEqualTo(BfdState.DOWN);
        assertThat(t.next().diagnostic()).isEqualTo(BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
        assertThat(t.actions()).contains(
                new BfdAction.SessionDown(BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN, false));
    }

    @Test
    void thePeerGoingAdminDownTakesInitDownAndLeavesDownAlone() {
        BfdSession down = BfdSession.start(ACTIVE, OURS).next();
        BfdSession init = down.step(ACTIVE, received(peer(BfdState.DOWN, 0))).next();

        BfdTransition fromInit = init.step(ACTIVE, received(peer(BfdState.ADMIN_DOWN, OURS, 7)));
        BfdTransition fromDown = down.step(ACTIVE, received(peer(BfdState.ADMIN_DOWN, 0, 7)));

        assertThat(fromInit.next().state()).isEqualTo(BfdState.DOWN);
        assertThat(fromInit.next().diagnostic()).isEqualTo(BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
        assertThat(fromInit.actions()).noneMatch(a -> a instanceof BfdAction.SessionDown);
        assertThat(fromDown.next().state()).isEqualTo(BfdState.DOWN);
        assertThat(fromDown.next().diagnostic()).isEqualTo(BfdDiagnostic.NONE);
    }

    @Test
    void goingAdminDownOurselvesTellsThePeerAndIsNotAPathFailure() {
        BfdTransition t = up(ACTIVE).step(ACTIVE, new BfdEvent.AdminDown());

        assertThat(t.next().state()).isEqualTo(BfdState.ADMIN_DOWN);
        assertThat(t.actions()).containsExactly(
                send(polled(ours(7, BfdState.ADMIN_DOWN, PEER, 1_000_000, 300_000))),
                new BfdAction.TransmitEvery(ms(750), ms(1000)),
                new BfdAction.SessionDown(BfdDiagnostic.ADMINISTRATIVELY_DOWN, false));
    }

    @Test
    void inAdminDownPacketsChangeNothingAndAdminUpStartsOverFromDown() {
        BfdSession adminDown = up(ACTIVE).step(ACTIVE, new BfdEvent.AdminDown()).next();

        BfdTransition pollInAdminDown = adminDown.step(ACTIVE, received(polled(peer(BfdState.DOWN, OURS))));
        assertThat(pollInAdminDown.next().state()).isEqualTo(BfdState.ADMIN_DOWN);
        // section 6.8.6 stops at the discard, before the Final reply
        assertThat(pollInAdminDown.actions()).containsExactly(new BfdAction.StartDetectionTimer(ms(3000)));
        assertThat(adminDown.step(ACTIVE, new BfdEvent.AdminDown()).actions()).isEmpty();

        BfdTransition t = pollInAdminDown.next().step(ACTIVE, new BfdEvent.AdminUp());
        assertThat(t.next().state()).isEqualTo(BfdState.DOWN);
        assertThat(t.actions()).containsExactly(send(polled(ours(7, BfdState.DOWN, PEER, 1_000_000, 300_000))));
        assertThat(t.next().step(ACTIVE, new BfdEvent.AdminUp()).actions()).isEmpty();
    }

    // --- timers and the poll sequence

    @Test
    void aPollFromThePeerIsAnsweredAtOnceWithFinal() {
        BfdTransition t = up(ACTIVE).step(ACTIVE, received(polled(peer(BfdState.UP, OURS))));

        assertThat(t.actions()).containsExactly(send(answering(ours(0, BfdState.UP, PEER, 300_000, 300_000))),
                new BfdAction.StartDetectionTimer(ms(900)));
    }

    @Test
    void aPollIsAnsweredInEveryStateButAdminDown() {
        BfdSession down = BfdSession.start(ACTIVE, OURS).next();

        BfdTransition t = down.step(ACTIVE, received(polled(peer(BfdState.UP, OURS))));

        assertThat(t.next().state()).isEqualTo(BfdState.DOWN);
        assertThat(t.actions()).first().isEqualTo(send(answering(ours(0, BfdState.DOWN, PEER, 1_000_000, 300_000))));
    }

    @Test
    void aSlowerTransmitIntervalWaitsForTheFinal() {
        BfdProfile slower = new BfdProfile(ms(500), ms(300), 3, false);
        BfdSession up = up(ACTIVE);

        BfdTransition changed = up.step(slower, new BfdEvent.ProfileChanged());
        assertThat(changed.next().desiredMinTxUs()).isEqualTo(500_000);
        assertThat(changed.actions()).containsExactly(send(polled(ours(0, BfdState.UP, PEER, 500_000, 300_000))));

        // section 6.5: the poll rides on the periodic packets, still every 300 ms (section 6.8.3)
        BfdTransition periodic = changed.next().step(slower, new BfdEvent.TransmitDue());
        assertThat(periodic.actions()).containsExactly(send(polled(ours(0, BfdState.UP, PEER, 500_000, 300_000))));

        BfdTransition answered = periodic.next().step(slower, received(answering(peer(BfdState.UP, OURS))));
        assertThat(answered.actions()).containsExactly(new BfdAction.TransmitEvery(ms(375), ms(500)),
                new BfdAction.StartDetectionTimer(ms(900)));
        assertThat(answered.next().step(slower, new BfdEvent.TransmitDue()).actions())
                .containsExactly(send(ours(0, BfdState.UP, PEER, 500_000, 300_000)));
    }

    @Test
    void aShorterReceiveIntervalShortensTheDetectionTimeOnlyAfterTheFinal() {
        BfdProfile faster = new BfdProfile(ms(300), ms(100), 3, false);
        BfdPacket fastPeer = new BfdPacket(0, BfdState.UP, false, false, false, false, 3, PEER, OURS, 100_000,
                100_000, 0);
        BfdSession up = up(ACTIVE).step(ACTIVE, received(fastPeer)).next();
        assertThat(up.detectionTime()).isEqualTo(ms(900)); // 3 x max(our 300 ms, its 100 ms)

        BfdSession polling = up.step(faster, new BfdEvent.ProfileChanged()).next();
        BfdTransition before = polling.step(faster, received(fastPeer));
        BfdTransition after = before.next().step(faster, received(answering(fastPeer)));

        assertThat(before.actions()).contains(new BfdAction.StartDetectionTimer(ms(900)));
        assertThat(after.actions()).contains(new BfdAction.StartDetectionTimer(ms(300)));
    }

    @Test
    void transmissionIsSlowUntilUp() {
        BfdProfile fast = new BfdProfile(ms(50), ms(50), 3, false);
        BfdSession down = BfdSession.start(fast, OURS).next();
        BfdSession init = down.step(fast, received(peer(BfdState.DOWN, 0))).next();
        BfdSession up = init.step(fast, received(peer(BfdState.UP, OURS))).next();

        assertThat(down.desiredMinTxUs()).isEqualTo(1_000_000);
        assertThat(init.desiredMinTxUs()).isEqualTo(1_000_000);
        assertThat(init.transmitIntervalUs()).isEqualTo(1_000_000);
        assertThat(up.desiredMinTxUs()).isEqualTo(50_000);
        // the peer asked for no more than one packet per 300 ms
        assertThat(up.transmitIntervalUs()).isEqualTo(300_000);
    }

    @Test
    void detectionTimeIsThePeersMultiplierTimesTheSlowerOfOurRxAndItsTx() {
        BfdSession down = BfdSession.start(ACTIVE, OURS).next();
        BfdPacket slowPeer = new BfdPacket(0, BfdState.DOWN, false, false, false, false, 5, PEER, 0, 2_000_000,
                10_000, 0);
        BfdPacket fastPeer = new BfdPacket(0, BfdState.DOWN, false, false, false, false, 5, PEER, 0, 100_000,
                10_000, 0);

        assertThat(down.step(ACTIVE, received(slowPeer)).next().detectionTime()).isEqualTo(ms(10_000));
        assertThat(down.step(ACTIVE, received(fastPeer)).next().detectionTime()).isEqualTo(ms(1_500));
    }

    @Test
    void thePeersReceiveIntervalSetsOurPaceAndZeroStopsIt() {
        BfdSession up = up(ACTIVE);
        BfdPacket slowReceiver = new BfdPacket(0, BfdState.UP, false, false, false, false, 3, PEER, OURS, 300_000,
                2_000_000, 0);
        BfdPacket silent = new BfdPacket(0, BfdState.UP, true, false, false, false, 3, PEER, OURS, 300_000, 0, 0);

        assertThat(up.step(ACTIVE, received(slowReceiver)).actions())
                .contains(new BfdAction.TransmitEvery(ms(1500), ms(2000)));
        BfdTransition t = up.step(ACTIVE, received(silent));
        // no periodic packets, but a Poll is still answered (section 6.8.7)
        assertThat(t.actions()).containsExactly(send(answering(ours(0, BfdState.UP, PEER, 300_000, 300_000))),
                new BfdAction.StopTransmit(), new BfdAction.StartDetectionTimer(ms(900)));
        assertThat(t.next().step(ACTIVE, new BfdEvent.TransmitDue()).actions()).isEmpty();
    }

    @Test
    void thePeersDemandModeStopsPeriodicPacketsExceptDuringOurPoll() {
        BfdPacket demanding = new BfdPacket(0, BfdState.UP, false, false, false, true, 3, PEER, OURS, 300_000,
                300_000, 0);

        BfdTransition quiet = up(ACTIVE).step(ACTIVE, received(demanding));
        BfdTransition polling = quiet.next().step(new BfdProfile(ms(400), ms(300), 3, false),
                new BfdEvent.ProfileChanged());

        assertThat(quiet.actions()).contains(new BfdAction.StopTransmit());
        assertThat(polling.actions()).contains(new BfdAction.TransmitEvery(ms(225), ms(300)));
    }

    @Test
    void aSecondChangeDuringAPollIsPolledAgainAfterAPacketWithoutFinal() {
        BfdProfile first = new BfdProfile(ms(400), ms(300), 3, false);
        BfdProfile second = new BfdProfile(ms(500), ms(300), 3, false);
        BfdSession polling = up(ACTIVE).step(first, new BfdEvent.ProfileChanged()).next();

        BfdSession again = polling.step(second, new BfdEvent.ProfileChanged()).next();
        BfdSession ended = again.step(second, received(answering(peer(BfdState.UP, OURS)))).next();
        BfdSession restarted = ended.step(second, received(peer(BfdState.UP, OURS))).next();

        assertThat(again.poll()).isEqualTo(BfdSession.Poll.POLLING_AGAIN);
        assertThat(ended.poll()).isEqualTo(BfdSession.Poll.AWAITING_NON_FINAL);
        assertThat(ended.transmitIntervalUs()).isEqualTo(300_000); // the increase is still held
        assertThat(ended.step(second, new BfdEvent.TransmitDue()).actions())
                .containsExactly(send(ours(0, BfdState.UP, PEER, 500_000, 300_000)));
        assertThat(restarted.poll()).isEqualTo(BfdSession.Poll.POLLING);
    }

    @Test
    void theMultiplierChangesWithoutAPoll() {
        BfdTransition t = up(ACTIVE).step(new BfdProfile(ms(300), ms(300), 5, false), new BfdEvent.ProfileChanged());

        assertThat(t.next().poll()).isEqualTo(BfdSession.Poll.NONE);
        assertThat(t.actions()).containsExactly(send(new BfdPacket(0, BfdState.UP, false, false, false, false, 5,
                OURS, PEER, 300_000, 300_000, 0)));
    }

    // --- demultiplexing and arguments

    @Test
    void aPacketForAnotherDiscriminatorIsDiscarded() {
        BfdSession up = up(ACTIVE);

        BfdTransition t = up.step(ACTIVE, received(peer(BfdState.UP, OURS + 1)));

        assertThat(t.next()).isEqualTo(up);
        assertThat(t.actions()).singleElement().isInstanceOf(BfdAction.Discarded.class);
    }

    @Test
    void theLocalDiscriminatorMustBeANonzero32BitValue() {
        assertThatThrownBy(() -> BfdSession.start(ACTIVE, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..4294967295");
        assertThatThrownBy(() -> BfdSession.start(ACTIVE, 1L << 32)).isInstanceOf(IllegalArgumentException.class);
    }

    // --- helpers

    /** Up with the poll of the Up transition answered. */
    static BfdSession up(BfdProfile profile) {
        BfdSession s = BfdSession.start(profile, OURS).next();
        s = s.step(profile, received(peer(BfdState.DOWN, 0))).next();
        s = s.step(profile, received(peer(BfdState.UP, OURS))).next();
        return s.step(profile, received(answering(peer(BfdState.UP, OURS)))).next();
    }

    /** An FRR-like peer: multiplier 3, 300 ms once Up, 1 s before. */
    static BfdPacket peer(BfdState state, long your) {
        return peer(state, your, 0);
    }

    static BfdPacket peer(BfdState state, long your, int diagnostic) {
        return new BfdPacket(diagnostic, state, false, false, false, false, 3, PEER, your,
                state == BfdState.UP ? 300_000 : 1_000_000, 300_000, 0);
    }

    private static BfdPacket ours(int diagnostic, BfdState state, long your, long tx, long rx) {
        return new BfdPacket(diagnostic, state, false, false, false, false, 3, OURS, your, tx, rx, 0);
    }

    /** The packet with the Poll (P) bit. */
    static BfdPacket polled(BfdPacket p) {
        return new BfdPacket(p.diagnostic(), p.state(), true, false, p.controlPlaneIndependent(), p.demand(),
                p.detectMult(), p.myDiscriminator(), p.yourDiscriminator(), p.desiredMinTxUs(), p.requiredMinRxUs(),
                p.requiredMinEchoRxUs());
    }

    /** The packet with the Final (F) bit. */
    static BfdPacket answering(BfdPacket p) {
        return new BfdPacket(p.diagnostic(), p.state(), false, true, p.controlPlaneIndependent(), p.demand(),
                p.detectMult(), p.myDiscriminator(), p.yourDiscriminator(), p.desiredMinTxUs(), p.requiredMinRxUs(),
                p.requiredMinEchoRxUs());
    }

    static BfdEvent received(BfdPacket packet) {
        return new BfdEvent.PacketReceived(packet);
    }

    private static BfdAction send(BfdPacket packet) {
        return new BfdAction.Send(packet);
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
