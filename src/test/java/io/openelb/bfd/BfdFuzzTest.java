package io.openelb.bfd;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Coverage-guided fuzzing (Jazzer) of what a peer controls: any UDP payload through the decoder and into a
 * session in every state, active and passive. The decoder returns a packet or a {@link BfdPacketException},
 * nothing else; a decoded packet survives our own encoding; the session answers with a legal transition,
 * only well-formed packets to send, a Final for every Poll it accepts, and the client told exactly when Up
 * is left. Seeds: the constructed packets of src/test/resources/bfd (copied as this test's inputs by the
 * build), plus every crash found, kept as a regression input.
 *
 * <p>In the normal test run it replays its inputs; {@code JAZZER_FUZZ=1} fuzzes (the build's
 * {@code fuzz-bfd} execution: a bounded run).
 */
class BfdFuzzTest {
    private static final long OURS = 0x01020304L;
    private static final BfdProfile ACTIVE = new BfdProfile(Duration.ofMillis(300), Duration.ofMillis(300), 3, false);
    private static final BfdProfile PASSIVE = new BfdProfile(Duration.ofMillis(300), Duration.ofMillis(300), 3, true);
    private static final Map<BfdState, Set<BfdState>> LEGAL = Map.of(
            BfdState.ADMIN_DOWN, Set.of(BfdState.ADMIN_DOWN),
            BfdState.DOWN, Set.of(BfdState.DOWN, BfdState.INIT, BfdState.UP),
            BfdState.INIT, Set.of(BfdState.INIT, BfdState.UP, BfdState.DOWN),
            BfdState.UP, Set.of(BfdState.UP, BfdState.DOWN));
    private static final List<BfdSession> ACTIVE_SESSIONS = everyState(ACTIVE);
    private static final List<BfdSession> PASSIVE_SESSIONS = everyState(PASSIVE);

    @FuzzTest(maxDuration = "15s")
    void decodedPacketsDriveEverySessionState(byte[] datagram) {
        BfdPacket packet;
        try {
            packet = BfdPacket.decode(datagram);
        } catch (BfdPacketException e) {
            assertThat(e.reason()).isNotNull();
            return;
        }
        assertThat(BfdPacket.decode(packet.encode())).isEqualTo(packet);
        for (BfdSession session : ACTIVE_SESSIONS) {
            checkStep(session, ACTIVE, packet);
        }
        for (BfdSession session : PASSIVE_SESSIONS) {
            checkStep(session, PASSIVE, packet);
        }
    }

    private static void checkStep(BfdSession session, BfdProfile profile, BfdPacket packet) {
        BfdTransition t = session.step(profile, new BfdEvent.PacketReceived(packet));
        checkTransition(session, t);
        boolean discarded = t.actions().stream().anyMatch(a -> a instanceof BfdAction.Discarded);
        long finals = sent(t).stream().filter(BfdPacket::fin).count();
        boolean answers = packet.poll() && !discarded && session.state() != BfdState.ADMIN_DOWN;
        assertThat(finals).isEqualTo(answers ? 1 : 0);
        t.actions().stream().filter(a -> a instanceof BfdAction.SessionDown).map(a -> (BfdAction.SessionDown) a)
                .forEach(down -> assertThat(down.pathFailure()).isEqualTo(packet.state() != BfdState.ADMIN_DOWN));

        for (BfdEvent timer : List.of(new BfdEvent.TransmitDue(), new BfdEvent.DetectionTimeExpired())) {
            BfdTransition after = t.next().step(profile, timer);
            checkTransition(t.next(), after);
            assertThat(sent(after)).hasSizeLessThanOrEqualTo(1);
        }
    }

    private static void checkTransition(BfdSession before, BfdTransition t) {
        BfdSession next = t.next();
        assertThat(LEGAL.get(before.state())).contains(next.state());
        for (BfdPacket out : sent(t)) {
            assertThat(out.poll() && out.fin()).isFalse();
            assertThat(out.state()).isEqualTo(next.state());
            assertThat(out.myDiscriminator()).isEqualTo(OURS);
            assertThat(BfdPacket.decode(out.encode())).isEqualTo(out);
        }
        if (next.state() != BfdState.UP) {
            assertThat(next.desiredMinTxUs()).isGreaterThanOrEqualTo(BfdSession.SLOW_TX_US);
        }
        boolean leftUp = before.state() == BfdState.UP && next.state() != BfdState.UP;
        boolean cameUp = before.state() != BfdState.UP && next.state() == BfdState.UP;
        assertThat(t.actions().stream().filter(a -> a instanceof BfdAction.SessionDown).count())
                .isEqualTo(leftUp ? 1 : 0);
        assertThat(t.actions().contains(new BfdAction.SessionUp())).isEqualTo(cameUp);
        for (BfdAction action : t.actions()) {
            if (action instanceof BfdAction.TransmitEvery every) {
                assertThat(every.min()).isPositive().isLessThan(every.max());
            }
            if (action instanceof BfdAction.StartDetectionTimer detection) {
                assertThat(detection.after()).isPositive();
            }
        }
    }

    private static List<BfdPacket> sent(BfdTransition t) {
        return t.actions().stream().filter(a -> a instanceof BfdAction.Send).map(a -> ((BfdAction.Send) a).packet())
                .toList();
    }

    /** Down (new, and knowing the peer), Init, Up, Up while polling, AdminDown. */
    private static List<BfdSession> everyState(BfdProfile profile) {
        long peer = 0x3a9c41d2L;
        BfdPacket peerDown = new BfdPacket(0, BfdState.DOWN, false, false, false, false, 3, peer, 0, 1_000_000,
                300_000, 0);
        BfdPacket peerUp = new BfdPacket(0, BfdState.UP, false, true, false, false, 3, peer, OURS, 300_000, 300_000,
                0);
        List<BfdSession> sessions = new ArrayList<>();
        BfdSession s = BfdSession.start(profile, OURS).next();
        sessions.add(s);
        s = s.step(profile, new BfdEvent.PacketReceived(peerDown)).next();
        sessions.add(s);
        sessions.add(sessions.get(0).step(profile, new BfdEvent.PacketReceived(peerUp)).next()); // Down, peer known
        s = s.step(profile, new BfdEvent.PacketReceived(peerUp)).next();
        sessions.add(s);
        BfdSession up = s.step(profile, new BfdEvent.PacketReceived(peerUp)).next();
        sessions.add(up);
        sessions.add(up.step(new BfdProfile(Duration.ofMillis(100), Duration.ofMillis(100), 3, profile.passive()),
                new BfdEvent.ProfileChanged()).next());
        sessions.add(up.step(profile, new BfdEvent.AdminDown()).next());
        return List.copyOf(sessions);
    }
}
