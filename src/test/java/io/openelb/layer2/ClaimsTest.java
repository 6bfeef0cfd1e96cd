package io.openelb.layer2;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openelb.announce.Layer2Plan.Assignment;
import io.openelb.layer2.wire.MacAddress;
import io.openelb.metrics.Layer2Metrics;
import io.openelb.model.IpAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The claim table on a clock the test moves: who answers at once, who waits the handover delay, and that a
 * released address is neither answered for nor announced any more.
 */
class ClaimsTest {
    private static final String SELF = "node-a";
    private static final String OTHER = "node-b";
    private static final Nic ETH0 = new Nic("eth0", MacAddress.parse("02:00:00:00:00:0a"));
    private static final IpAddress VIP = IpAddress.parse("10.77.0.100");
    private static final Duration HANDOVER = Duration.ofMillis(500);
    private static final Map<String, Nic> NICS = Map.of("pool", ETH0);

    /** One-shot timers on a manual clock, run in due order by {@link #advance}. */
    private static final class ManualScheduler implements Claims.Scheduler {
        private record Task(long id, long due, Runnable run) {}

        private final List<Task> tasks = new ArrayList<>();
        private long now;
        private long lastId;

        @Override
        public long schedule(long delayMillis, Runnable task) {
            tasks.add(new Task(++lastId, now + delayMillis, task));
            return lastId;
        }

        @Override
        public void cancel(long id) {
            tasks.removeIf(t -> t.id() == id);
        }

        void advance(long millis) {
            long until = now + millis;
            while (true) {
                Task next = tasks.stream().filter(t -> t.due() <= until)
                        .min(Comparator.comparingLong(Task::due).thenComparingLong(Task::id)).orElse(null);
                if (next == null) {
                    break;
                }
                tasks.remove(next);
                now = next.due();
                next.run().run();
            }
            now = until;
        }
    }

    /** What the responders were told: the addresses they answer for, and when each announcement went out. */
    private final class Wire implements Claims.Responders {
        Map<Nic, Set<IpAddress>> answering = Map.of();
        final List<Long> announcedAt = new ArrayList<>();

        @Override
        public void answerFor(Map<Nic, Set<IpAddress>> active) {
            answering = Map.copyOf(active);
        }

        @Override
        public void announce(Nic nic, IpAddress address) {
            assertThat(answering.getOrDefault(nic, Set.of())).as("announced while answered for").contains(address);
            announcedAt.add(clock.now);
        }
    }

    private final ManualScheduler clock = new ManualScheduler();
    private final Wire wire = new Wire();
    private final List<IpAddress> answeringEvents = new ArrayList<>();
    private final Claims claims = new Claims(SELF, HANDOVER, clock, wire, (a, nic) -> answeringEvents.add(a.address()),
            new Layer2Metrics(new SimpleMeterRegistry()));

    private static List<Assignment> ownedBy(String owner) {
        return List.of(new Assignment(VIP, "default/web", "pool", "eth0", owner, ""));
    }

    @Test
    void takesOverAtOnceWhenThePreviousOwnerLeftTheView() {
        claims.apply(ownedBy(OTHER), NICS, Set.of(SELF, OTHER));
        assertThat(wire.answering).isEmpty();

        claims.apply(ownedBy(SELF), NICS, Set.of(SELF));

        assertThat(wire.answering).isEqualTo(Map.of(ETH0, Set.of(VIP)));
        assertThat(wire.announcedAt).containsExactly(0L);
        assertThat(answeringEvents).containsExactly(VIP);
        clock.advance(10_000);
        assertThat(wire.announcedAt).containsExactly(0L, 250L, 1000L, 2000L, 4000L);
    }

    @Test
    void waitsTheHandoverDelayWhileThePreviousOwnerIsLive() {
        claims.apply(ownedBy(OTHER), NICS, Set.of(SELF, OTHER));

        claims.apply(ownedBy(SELF), NICS, Set.of(SELF, OTHER));
        clock.advance(HANDOVER.toMillis() - 1);
        assertThat(wire.answering).as("before the handover delay").isEmpty();
        assertThat(wire.announcedAt).isEmpty();

        clock.advance(1);
        assertThat(wire.answering).isEqualTo(Map.of(ETH0, Set.of(VIP)));
        assertThat(wire.announcedAt).containsExactly(500L);
        assertThat(answeringEvents).containsExactly(VIP);
    }

    @Test
    void waitsTheHandoverDelayOnTheFirstPlanAfterStart() {
        claims.apply(ownedBy(SELF), NICS, Set.of(SELF, OTHER));

        assertThat(wire.answering).as("another node may still answer").isEmpty();
        clock.advance(HANDOVER.toMillis());
        assertThat(wire.answering).isEqualTo(Map.of(ETH0, Set.of(VIP)));
    }

    @Test
    void releaseStopsAnsweringAndCancelsPendingAnnouncements() {
        claims.apply(ownedBy(SELF), NICS, Set.of(SELF));
        claims.apply(ownedBy(SELF), NICS, Set.of(SELF));
        clock.advance(HANDOVER.toMillis() + 300);
        assertThat(wire.announcedAt).containsExactly(500L, 750L);

        claims.apply(ownedBy(OTHER), NICS, Set.of(SELF, OTHER));

        assertThat(wire.answering).isEmpty();
        assertThat(clock.tasks).as("timers left").isEmpty();
        clock.advance(10_000);
        assertThat(wire.announcedAt).containsExactly(500L, 750L);
    }

    @Test
    void releaseBeforeTheHandoverDelayNeverAnswers() {
        claims.apply(ownedBy(OTHER), NICS, Set.of(SELF, OTHER));
        claims.apply(ownedBy(SELF), NICS, Set.of(SELF, OTHER));

        claims.apply(ownedBy(OTHER), NICS, Set.of(SELF, OTHER));
        clock.advance(10_000);

        assertThat(wire.answering).isEmpty();
        assertThat(wire.announcedAt).isEmpty();
        assertThat(answeringEvents).isEmpty();
    }

    @Test
    void anAddressOfAPoolWithoutInterfaceIsNeverClaimed() {
        claims.apply(ownedBy(OTHER), Map.of(), Set.of(SELF));
        claims.apply(ownedBy(SELF), Map.of(), Set.of(SELF));
        clock.advance(10_000);

        assertThat(wire.answering).isEmpty();
        assertThat(wire.announcedAt).isEmpty();
    }

    @Test
    void aRecreatedInterfaceMovesTheAddressToItAtOnce() {
        claims.apply(ownedBy(OTHER), NICS, Set.of(SELF));
        claims.apply(ownedBy(SELF), NICS, Set.of(SELF));
        Nic recreated = new Nic("eth0", MacAddress.parse("02:00:00:00:00:0b"));

        claims.apply(ownedBy(SELF), Map.of("pool", recreated), Set.of(SELF));

        assertThat(wire.answering).isEqualTo(Map.of(recreated, Set.of(VIP)));
        assertThat(answeringEvents).containsExactly(VIP, VIP);
    }

    @Test
    void releaseAllAnswersNothing() {
        claims.apply(ownedBy(OTHER), NICS, Set.of(SELF));
        claims.apply(ownedBy(SELF), NICS, Set.of(SELF));

        claims.releaseAll();
        clock.advance(10_000);

        assertThat(wire.answering).isEmpty();
        assertThat(wire.announcedAt).containsExactly(0L);
    }
}
