package io.openelb.announce;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.model.EipDefinition;
import io.openelb.model.IpAddress;
import io.openelb.model.Pool;
import io.openelb.model.PoolSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Kept one Service at a time, the announcers are always what planning every Service again gives. */
class AnnouncementsTest {
    private static final List<Pool> POOLS = PoolSet.of(List.of(
            new EipDefinition("bgp", 0, "192.0.2.0/28", "bgp", "", false, 0, List.of(), Map.of(), false, false),
            new EipDefinition("l2", 1, "198.51.100.0/28", "layer2", "eth0", false, 0, List.of(), Map.of(), false,
                    false))).pools();
    private static final List<NodeState> NODES = List.of(new NodeState("node1", true, false),
            new NodeState("node2", true, false), new NodeState("node3", false, false));

    private static IpAddress ip(String text) {
        return IpAddress.parse(text);
    }

    @Test
    void aChangedServiceChangesOnlyItsAddressesAndASharedAddressKeepsTheOtherServicesNodes() {
        Announcements table = new Announcements();
        ServiceState web = new ServiceState("ns/web", List.of(ip("192.0.2.1")), false, Set.of());
        ServiceState dns = new ServiceState("ns/dns", List.of(ip("192.0.2.1")), true, Set.of("node2"));
        ServiceState db = new ServiceState("ns/db", List.of(ip("192.0.2.2")), false, Set.of());

        assertThat(table.replaceAll(List.of(web, dns, db), NODES, POOLS))
                .containsExactlyInAnyOrder(ip("192.0.2.1"), ip("192.0.2.2"));
        assertThat(table.announcers().get(ip("192.0.2.1"))).containsExactly("node1", "node2");

        // web goes: the shared address stays with dns's only node; db's address is not touched
        assertThat(table.update("ns/web", null, NODES, POOLS)).containsExactly(ip("192.0.2.1"));
        assertThat(table.announcers().get(ip("192.0.2.1"))).containsExactly("node2");
        assertThat(table.update("ns/db", db, NODES, POOLS)).as("unchanged: nothing to send").isEmpty();
        assertThat(table.servicesOf(ip("192.0.2.1"))).extracting(ServiceState::key).containsExactly("ns/dns");
    }

    @Test
    void anAddressOfALayer2PoolIsNeverAnnouncedButItsHolderIsKnown() {
        Announcements table = new Announcements();
        ServiceState l2 = new ServiceState("ns/l2", List.of(ip("198.51.100.3")), false, Set.of());

        assertThat(table.update("ns/l2", l2, NODES, POOLS)).isEmpty();
        assertThat(table.announcers()).isEmpty();
        assertThat(table.servicesOf(ip("198.51.100.3"))).containsExactly(l2);
    }

    @Test
    void randomChangesOneAtATimeEndWhereAFullPlanEnds() {
        Random random = new Random(7);
        Map<String, ServiceState> services = new HashMap<>();
        Announcements table = new Announcements();
        for (int step = 0; step < 2_000; step++) {
            String key = "ns/s" + random.nextInt(30);
            ServiceState next = random.nextInt(5) == 0 ? null : randomService(key, random);
            Map<IpAddress, ? extends Set<String>> before = copy(table.announcers());
            Set<IpAddress> changed = table.update(key, next, NODES, POOLS);
            if (next == null) {
                services.remove(key);
            } else {
                services.put(key, next);
            }
            assertThat(table.announcers()).as("step %d", step)
                    .isEqualTo(BgpPlan.announcers(NODES, services.values(), POOLS));
            Set<IpAddress> reallyChanged = new HashSet<>(before.keySet());
            reallyChanged.addAll(table.announcers().keySet());
            reallyChanged.removeIf(a -> java.util.Objects.equals(before.get(a), table.announcers().get(a)));
            assertThat(changed).as("step %d: exactly the addresses whose announcers changed", step)
                    .isEqualTo(reallyChanged);
        }
        assertThat(services).isNotEmpty();
    }

    private static ServiceState randomService(String key, Random random) {
        List<IpAddress> addresses = new ArrayList<>();
        addresses.add(ip("192.0.2." + (1 + random.nextInt(6))));
        if (random.nextBoolean()) {
            addresses.add(ip("198.51.100." + (1 + random.nextInt(3))));
        }
        Set<String> endpoints = random.nextBoolean() ? Set.of("node1") : Set.of("node2", "node3");
        return new ServiceState(key, addresses, random.nextBoolean(), endpoints);
    }

    private static Map<IpAddress, Set<String>> copy(Map<IpAddress, ? extends Set<String>> announcers) {
        Map<IpAddress, Set<String>> copy = new HashMap<>();
        announcers.forEach((a, n) -> copy.put(a, Set.copyOf(n)));
        return copy;
    }
}
