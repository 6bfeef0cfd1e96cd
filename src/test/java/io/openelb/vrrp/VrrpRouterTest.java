package io.openelb.vrrp;

import static io.openelb.vrrp.VrrpCodecTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openelb.model.IpAddress;
import io.openelb.vrrp.VrrpRouter.Config;
import io.openelb.vrrp.VrrpRouter.State;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The state machine of RFC 5798 6.4, with the times worked out from 6.1 for an interval of 1 s (100
 * centiseconds): Skew_Time = (256 - priority) * 1000 / 256 ms, so 609 ms at priority 100, 414 ms at 150 and
 * 218 ms at 200; Master_Down_Interval = 3000 ms + Skew_Time.
 */
class VrrpRouterTest {
    private static final int VRID = 51;
    private static final List<IpAddress> VIPS = List.of(ip("192.168.1.100"), ip("192.168.1.101"));
    private static final IpAddress OURS = ip("192.168.1.10");
    private static final IpAddress OTHER = ip("192.168.1.20");
    private static final long T0 = 1_000_000;

    @Test
    void startsAsBackupAndBecomesMasterAfterExactlyMasterDownInterval() {
        VrrpRouter router = router(100, true, OURS);
        assertThat(router.start(T0)).isEmpty();
        assertThat(router.state()).isEqualTo(State.BACKUP);
        assertThat(router.masterAddress()).isNull();
        assertThat(router.nextDeadline()).isEqualTo(T0 + 3609);

        assertThat(router.onTimer(T0 + 3608)).isEmpty();
        assertThat(router.state()).isEqualTo(State.BACKUP);
        assertThat(router.onTimer(T0 + 3609)).containsExactly(new VrrpAdvert(VRID, 100, 100, VIPS));
        assertThat(router.state()).isEqualTo(State.MASTER);
        assertThat(router.masterAddress()).isEqualTo(OURS);
        assertThat(router.nextDeadline()).isEqualTo(T0 + 3609 + 1000);
    }

    @Test
    void masterAdvertisesEveryInterval() {
        VrrpRouter router = master(100, OURS);
        long due = router.nextDeadline();
        assertThat(router.onTimer(due - 1)).isEmpty();
        assertThat(router.onTimer(due)).containsExactly(new VrrpAdvert(VRID, 100, 100, VIPS));
        assertThat(router.nextDeadline()).isEqualTo(due + 1000);
    }

    @Test
    void theAddressOwnerStartsAsMaster() {
        VrrpRouter router = router(255, true, OURS);
        assertThat(router.start(T0)).containsExactly(new VrrpAdvert(VRID, 255, 100, VIPS));
        assertThat(router.state()).isEqualTo(State.MASTER);
        assertThat(router.nextDeadline()).isEqualTo(T0 + 1000);
    }

    @Test
    void theHigherPriorityTakesOverFirstAndTheOtherStaysBackup() {
        VrrpRouter high = router(200, true, OTHER);
        VrrpRouter low = router(100, true, OURS);
        high.start(T0);
        low.start(T0);
        assertThat(high.nextDeadline()).isEqualTo(T0 + 3218).isLessThan(low.nextDeadline());

        List<VrrpAdvert> sent = high.onTimer(T0 + 3218);
        assertThat(high.state()).isEqualTo(State.MASTER);
        assertThat(low.onAdvert(sent.get(0), OTHER, T0 + 3218)).isEmpty();
        assertThat(low.state()).isEqualTo(State.BACKUP);
        assertThat(low.masterAddress()).isEqualTo(OTHER);
        assertThat(low.nextDeadline()).isEqualTo(T0 + 3218 + 3609);
    }

    @Test
    void withPreemptionAHigherBackupIgnoresALowerMasterAndTakesOver() {
        VrrpRouter backup = router(200, true, OURS);
        backup.start(T0);
        for (long t = T0 + 1000; t < T0 + 3218; t += 1000) {
            backup.onAdvert(new VrrpAdvert(VRID, 100, 100, VIPS), OTHER, t);
            assertThat(backup.nextDeadline()).isEqualTo(T0 + 3218);
            assertThat(backup.masterAddress()).isEqualTo(OTHER);
        }
        assertThat(backup.onTimer(T0 + 3218)).hasSize(1);
        assertThat(backup.state()).isEqualTo(State.MASTER);
    }

    @Test
    void withoutPreemptionAHigherBackupFollowsALowerMaster() {
        VrrpRouter backup = router(200, false, OURS);
        backup.start(T0);
        for (long t = T0 + 1000; t < T0 + 20_000; t += 1000) {
            backup.onAdvert(new VrrpAdvert(VRID, 100, 100, VIPS), OTHER, t);
            assertThat(backup.onTimer(t)).isEmpty();
            assertThat(backup.nextDeadline()).isEqualTo(t + 3218);
        }
        assertThat(backup.state()).isEqualTo(State.BACKUP);
        assertThat(backup.masterAddress()).isEqualTo(OTHER);
    }

    @Test
    void aBackupTakesTheMastersIntervalForItsTimer() {
        VrrpRouter backup = router(100, true, OURS);
        backup.start(T0);
        backup.onAdvert(new VrrpAdvert(VRID, 150, 300, VIPS), OTHER, T0 + 10);
        // 3 * 3000 + 156 * 3000 / 256 (1828.125)
        assertThat(backup.nextDeadline()).isEqualTo(T0 + 10 + 9000 + 1828);
    }

    @ParameterizedTest
    @CsvSource({
        "192.168.1.10, 192.168.1.20, BACKUP",
        "192.168.1.10, 192.168.1.9, MASTER",
        "10.0.0.1, 200.0.0.1, BACKUP", // compared unsigned: 200 > 10 although (byte) 200 < 0
        "200.0.0.1, 10.0.0.1, MASTER",
        "fe80::1, fe80::2, BACKUP",
        "fe80::ff00, fe80::1, MASTER",
        "2001:db8::1, fe80::1, BACKUP"})
    void equalPrioritiesAreDecidedByTheHigherPrimaryAddress(String ours, String theirs, State after) {
        IpAddress own = ip(ours);
        List<IpAddress> vips = List.of(own.family() == OURS.family() ? ip("192.168.1.100") : ip("2001:db8::1"));
        VrrpRouter master = new VrrpRouter(new Config(VRID, 100, 100, true, own, vips));
        master.start(T0);
        master.onTimer(T0 + 3609);
        long due = master.nextDeadline();

        assertThat(master.onAdvert(new VrrpAdvert(VRID, 100, 100, vips), ip(theirs), T0 + 4000)).isEmpty();
        assertThat(master.state()).isEqualTo(after);
        assertThat(master.nextDeadline()).isEqualTo(after == State.MASTER ? due : T0 + 4000 + 3609);
        assertThat(master.masterAddress()).isEqualTo(after == State.MASTER ? own : ip(theirs));
    }

    @Test
    void masterYieldsToAHigherPriorityWithItsInterval() {
        VrrpRouter router = master(100, OURS);
        assertThat(router.onAdvert(new VrrpAdvert(VRID, 101, 200, VIPS), ip("192.168.1.2"), T0 + 5000)).isEmpty();
        assertThat(router.state()).isEqualTo(State.BACKUP);
        assertThat(router.masterAddress()).isEqualTo(ip("192.168.1.2"));
        // 3 * 2000 + 156 * 2000 / 256 (1218.75)
        assertThat(router.nextDeadline()).isEqualTo(T0 + 5000 + 6000 + 1218);
    }

    @Test
    void masterDiscardsALowerPriority() {
        VrrpRouter router = master(100, OURS);
        long due = router.nextDeadline();
        assertThat(router.onAdvert(new VrrpAdvert(VRID, 99, 100, VIPS), ip("192.168.1.250"), due - 1)).isEmpty();
        assertThat(router.state()).isEqualTo(State.MASTER);
        assertThat(router.nextDeadline()).isEqualTo(due);
    }

    @Test
    void aMasterThatGivesUpIsSucceededAfterSkewTime() {
        VrrpRouter leaving = master(200, OTHER);
        VrrpRouter backup = router(100, true, OURS);
        backup.start(T0);
        backup.onAdvert(new VrrpAdvert(VRID, 200, 100, VIPS), OTHER, T0 + 500);
        assertThat(backup.masterAddress()).isEqualTo(OTHER);

        List<VrrpAdvert> goodbye = leaving.shutdown(T0 + 1000);
        assertThat(goodbye).containsExactly(new VrrpAdvert(VRID, 0, 100, VIPS));
        assertThat(backup.onAdvert(goodbye.get(0), OTHER, T0 + 1000)).isEmpty();
        assertThat(backup.nextDeadline()).isEqualTo(T0 + 1000 + 609);
        assertThat(backup.masterAddress()).isNull();
        assertThat(backup.onTimer(T0 + 1608)).isEmpty();
        assertThat(backup.onTimer(T0 + 1609)).containsExactly(new VrrpAdvert(VRID, 100, 100, VIPS));
        assertThat(backup.state()).isEqualTo(State.MASTER);
    }

    @Test
    void aMasterHearingPriorityZeroAdvertisesAtOnce() {
        VrrpRouter router = master(100, OURS);
        assertThat(router.onAdvert(new VrrpAdvert(VRID, 0, 100, VIPS), OTHER, T0 + 4000))
                .containsExactly(new VrrpAdvert(VRID, 100, 100, VIPS));
        assertThat(router.state()).isEqualTo(State.MASTER);
        assertThat(router.nextDeadline()).isEqualTo(T0 + 5000);
    }

    @Test
    void shutdownStopsEveryTimer() {
        VrrpRouter master = master(100, OURS);
        assertThat(master.shutdown(T0 + 5000)).containsExactly(new VrrpAdvert(VRID, 0, 100, VIPS));
        assertThat(master.state()).isEqualTo(State.INITIALIZE);
        assertThat(master.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        assertThat(master.masterAddress()).isNull();
        assertThat(master.onTimer(Long.MAX_VALUE - 1)).isEmpty();
        assertThat(master.onAdvert(new VrrpAdvert(VRID, 200, 100, VIPS), OTHER, T0 + 6000)).isEmpty();
        assertThat(master.state()).isEqualTo(State.INITIALIZE);

        VrrpRouter backup = router(100, true, OURS);
        backup.start(T0);
        backup.onAdvert(new VrrpAdvert(VRID, 200, 100, VIPS), OTHER, T0 + 500);
        assertThat(backup.shutdown(T0 + 1000)).isEmpty();
        assertThat(backup.state()).isEqualTo(State.INITIALIZE);
        assertThat(backup.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        assertThat(backup.masterAddress()).isNull();
    }

    @Test
    void startsAgainAfterShutdownButNotTwice() {
        VrrpRouter router = master(100, OURS);
        router.shutdown(T0 + 5000);
        assertThat(router.start(T0 + 6000)).isEmpty();
        assertThat(router.state()).isEqualTo(State.BACKUP);
        assertThatThrownBy(() -> router.start(T0 + 7000)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aReconfiguredMasterAdvertisesAtOnce() {
        VrrpRouter router = master(100, OURS);
        List<IpAddress> more = List.of(ip("192.168.1.100"), ip("192.168.1.102"));
        assertThat(router.reconfigure(new Config(VRID, 120, 50, true, OURS, more), T0 + 4000))
                .containsExactly(new VrrpAdvert(VRID, 120, 50, more));
        assertThat(router.state()).isEqualTo(State.MASTER);
        assertThat(router.nextDeadline()).isEqualTo(T0 + 4500);
        assertThat(router.onTimer(T0 + 4500)).containsExactly(new VrrpAdvert(VRID, 120, 50, more));
    }

    @Test
    void aBackupRaisedAbovePreemptsWhenItsTimerRunsOut() {
        VrrpRouter backup = router(100, true, OURS);
        backup.start(T0);
        backup.onAdvert(new VrrpAdvert(VRID, 150, 100, VIPS), OTHER, T0 + 1000);
        long due = backup.nextDeadline();
        assertThat(due).isEqualTo(T0 + 1000 + 3609);

        assertThat(backup.reconfigure(new Config(VRID, 200, 100, true, OURS, VIPS), T0 + 1500)).isEmpty();
        assertThat(backup.nextDeadline()).isEqualTo(due);
        backup.onAdvert(new VrrpAdvert(VRID, 150, 100, VIPS), OTHER, T0 + 2000); // now lower: discarded
        backup.onAdvert(new VrrpAdvert(VRID, 150, 100, VIPS), OTHER, T0 + 3000);
        assertThat(backup.nextDeadline()).isEqualTo(due);
        assertThat(backup.onTimer(due)).containsExactly(new VrrpAdvert(VRID, 200, 100, VIPS));
        assertThat(backup.state()).isEqualTo(State.MASTER);
    }

    @Test
    void aBackupsNewIntervalAppliesToItsNextTimer() {
        VrrpRouter backup = router(100, true, OURS);
        backup.start(T0);
        assertThat(backup.reconfigure(new Config(VRID, 100, 200, true, OURS, VIPS), T0 + 100)).isEmpty();
        assertThat(backup.nextDeadline()).isEqualTo(T0 + 3609);
        assertThat(backup.onTimer(T0 + 3609)).containsExactly(new VrrpAdvert(VRID, 100, 200, VIPS));
        assertThat(backup.nextDeadline()).isEqualTo(T0 + 3609 + 2000);
    }

    @Test
    void reconfigureKeepsVridAndFamily() {
        VrrpRouter router = master(100, OURS);
        assertThatThrownBy(() -> router.reconfigure(new Config(VRID + 1, 100, 100, true, OURS, VIPS), T0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> router.reconfigure(
                new Config(VRID, 100, 100, true, ip("fe80::1"), List.of(ip("2001:db8::1"))), T0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void advertsForAnotherVridOrFamilyAreTheCallersMistake() {
        VrrpRouter router = master(100, OURS);
        assertThatThrownBy(() -> router.onAdvert(new VrrpAdvert(VRID + 1, 200, 100, VIPS), OTHER, T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VRID 52");
        assertThatThrownBy(() -> router.onAdvert(new VrrpAdvert(VRID, 200, 100, List.of(ip("2001:db8::1"))),
                ip("fe80::1"), T0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(router.state()).isEqualTo(State.MASTER);
    }

    @Test
    void initializeHasNoTimerAndNoMaster() {
        VrrpRouter router = router(100, true, OURS);
        assertThat(router.state()).isEqualTo(State.INITIALIZE);
        assertThat(router.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        assertThat(router.masterAddress()).isNull();
        assertThat(router.onAdvert(new VrrpAdvert(VRID, 200, 100, VIPS), OTHER, T0)).isEmpty();
        assertThat(router.state()).isEqualTo(State.INITIALIZE);
    }

    @Test
    void configChecksItsFields() {
        assertThatThrownBy(() -> new Config(0, 100, 100, true, OURS, VIPS)).hasMessageContaining("VRID");
        assertThatThrownBy(() -> new Config(VRID, 0, 100, true, OURS, VIPS)).hasMessageContaining("priority");
        assertThatThrownBy(() -> new Config(VRID, 100, 4096, true, OURS, VIPS)).hasMessageContaining("interval");
        assertThatThrownBy(() -> new Config(VRID, 100, 100, true, OURS, List.of())).hasMessageContaining("address");
        assertThatThrownBy(() -> new Config(VRID, 100, 100, true, ip("fe80::1"), VIPS))
                .hasMessageContaining("one family");
        assertThatThrownBy(() -> new VrrpRouter(new Config(VRID, 100, 100, true, null, VIPS)))
                .isInstanceOf(NullPointerException.class);
    }

    private static VrrpRouter router(int priority, boolean preempt, IpAddress primary) {
        return new VrrpRouter(new Config(VRID, priority, 100, preempt, primary, VIPS));
    }

    /** A router that became Master at its Master_Down_Timer, having heard nobody since {@link #T0}. */
    private static VrrpRouter master(int priority, IpAddress primary) {
        VrrpRouter router = router(priority, true, primary);
        router.start(T0);
        router.onTimer(router.nextDeadline());
        assertThat(router.state()).isEqualTo(State.MASTER);
        return router;
    }
}
