package io.openelb.layer2;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The membership's secret, with real JGroups channels on loopback: a member without the right secret
 * never enters the view of the members that have it, and what it sends (the pools it cannot serve, which
 * move Layer 2 ownership) never reaches them; their view stays the same. A third member with the right
 * secret does join: the test would see a join.
 */
class MembershipTest {
    private static final byte[] RIGHT = "right-secret".getBytes(StandardCharsets.UTF_8);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<Membership> started = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    /** What one member heard: every view, and every "node lacks pools" report. */
    private static final class Heard implements Membership.Listener {
        final List<Set<String>> views = new CopyOnWriteArrayList<>();
        final Map<String, Set<String>> unservable = new ConcurrentHashMap<>();

        @Override
        public void view(Set<String> nodes) {
            views.add(nodes);
        }

        @Override
        public void unservable(String node, Set<String> pools) {
            unservable.put(node, pools);
        }

        Set<String> last() {
            return views.isEmpty() ? Set.of() : views.get(views.size() - 1);
        }
    }

    @AfterEach
    void close() {
        started.forEach(Membership::close);
    }

    private List<InetSocketAddress> seeds() {
        return ports.stream().map(p -> new InetSocketAddress(LOOPBACK, p)).toList();
    }

    private Membership member(String node, int port, byte[] secret, Heard heard) throws Exception {
        Membership m = new Membership(new Membership.Settings(node, LOOPBACK, port, seeds(), secret,
                Duration.ofSeconds(1)), heard);
        started.add(m);
        m.start();
        return m;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 20 s for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Until the members' coordinators together made {@code n} more merge attempts than before. */
    private static void awaitMergeAttempts(List<Membership> members, int n) throws InterruptedException {
        int before = mergeAttempts(members);
        await(() -> mergeAttempts(members) >= before + n, n + " merge attempts");
    }

    private static int mergeAttempts(List<Membership> members) {
        return members.stream().mapToInt(Membership::mergeAttempts).sum();
    }

    /** Ports for {@code n} members, every one a seed of every other (as the speakers seed from the Nodes). */
    private void ports(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            ports.add(freePort());
        }
    }

    @Test
    void membersWithoutTheSecretNeverJoinNorMoveOwnershipAndTheViewStaysStable() throws Exception {
        ports(4);
        Heard a = new Heard();
        Heard b = new Heard();
        member("node-a", ports.get(0), RIGHT, a);
        member("node-b", ports.get(1), RIGHT, b);
        await(() -> a.last().equals(Set.of("node-a", "node-b")) && b.last().equals(Set.of("node-a", "node-b")),
                "node-a and node-b in one view");
        int viewsBefore = a.views.size();

        Heard wrong = new Heard();
        Heard none = new Heard();
        Membership wrongMember = member("node-wrong", ports.get(2), "wrong-secret".getBytes(StandardCharsets.UTF_8),
                wrong);
        Membership noneMember = member("node-none", ports.get(3), new byte[0], none);
        List<Membership> all = List.copyOf(started);
        wrongMember.publish(Set.of("pool-x"));
        noneMember.publish(Set.of("pool-x"));
        // MERGE3 looks for other views every 2-5 s: wait until it has tried to merge them twice, the second
        // time after the second reports, which then have had seconds to arrive
        awaitMergeAttempts(all, 1);
        wrongMember.publish(Set.of("pool-y"));
        noneMember.publish(Set.of("pool-y"));
        awaitMergeAttempts(all, 1);

        for (Heard right : List.of(a, b)) {
            assertThat(right.views).as("views of a right-secret member")
                    .allSatisfy(v -> assertThat(v).doesNotContain("node-wrong", "node-none"));
            assertThat(right.last()).isEqualTo(Set.of("node-a", "node-b"));
            assertThat(right.unservable).as("reports that would move Layer 2 ownership")
                    .doesNotContainKeys("node-wrong", "node-none");
        }
        // a second view of the same two may still come from the pair's own forming (a merge): the set of
        // members, which is what Layer 2 ownership depends on, never changed
        assertThat(a.views.subList(viewsBefore, a.views.size())).as("views while they tried")
                .allSatisfy(v -> assertThat(v).isEqualTo(Set.of("node-a", "node-b")));
        assertThat(wrong.last()).doesNotContain("node-a", "node-b");
        assertThat(none.last()).doesNotContain("node-a", "node-b");
    }

    /** The control: the same setup with the right secret joins and is heard, so the test above can fail. */
    @Test
    void aMemberWithTheSecretJoinsAndIsHeard() throws Exception {
        ports(3);
        Heard a = new Heard();
        Heard b = new Heard();
        Heard c = new Heard();
        member("node-a", ports.get(0), RIGHT, a);
        member("node-b", ports.get(1), RIGHT, b);
        await(() -> a.last().size() == 2, "node-a and node-b in one view");

        member("node-c", ports.get(2), "right-secret".getBytes(StandardCharsets.UTF_8), c).publish(Set.of("pool-x"));

        await(() -> a.last().equals(Set.of("node-a", "node-b", "node-c")), "node-c in node-a's view");
        await(() -> Set.of("pool-x").equals(a.unservable.get("node-c")), "node-c's report at node-a");
    }
}
