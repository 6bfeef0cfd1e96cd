package io.openelb.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.model.EipDefinition;
import io.openelb.model.IpAddress;
import io.openelb.model.PoolSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusViewsTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private static EipDefinition eip(String name, long createdAt, String address) {
        return new EipDefinition(name, createdAt, address, "bgp", "", false, 0, List.of(), Map.of(), false, false);
    }

    private static ServiceAddresses service(String key, String... addresses) {
        return new ServiceAddresses(key, java.util.Arrays.stream(addresses).map(IpAddress::parse).toList(),
                List.of("TCP"));
    }

    @ParameterizedTest
    @CsvSource({
        "192.0.2.10-192.0.2.13,         192.0.2.10,  192.0.2.11,  ipv4",
        "2001:db8::10-2001:db8::13,     2001:db8::10, 2001:db8::11, ipv6",
    })
    void aPoolShowsSizeUsedFreeAndWhoHoldsEachAddress(String range, String first, String second, String family) {
        PoolSet pools = PoolSet.of(List.of(eip("lab", 1, range)));

        ClusterView view = StatusViews.of(pools, List.of(service("a/web", first), service("b/dns", second),
                service("c/dns", second)), null, NOW);

        PoolView pool = view.pools().get(0);
        assertThat(pool.name()).isEqualTo("lab");
        assertThat(pool.family()).isEqualTo(family);
        assertThat(pool.protocol()).isEqualTo("bgp");
        assertThat(pool.size()).isEqualTo(4);
        assertThat(pool.used()).as("a shared address counts once").isEqualTo(2);
        assertThat(pool.free()).isEqualTo(2);
        assertThat(pool.invalid()).isNull();
        assertThat(pool.allocations()).containsExactly(
                new AllocationView(IpAddress.parse(first).toString(), List.of("a/web")),
                new AllocationView(IpAddress.parse(second).toString(), List.of("b/dns", "c/dns")));
        assertThat(view.computedAt()).isEqualTo(NOW);
    }

    @Test
    void aHeldNetworkAddressIsUsedButThePoolShowsOnlyWhatItHandsOut() {
        PoolSet pools = PoolSet.of(List.of(eip("lab", 1, "192.0.2.0/29")));

        PoolView pool = StatusViews.of(pools, List.of(service("a/migrated", "192.0.2.0"), service("b/web", "192.0.2.1")),
                null, NOW).pools().get(0);

        assertThat(pool.firstIp() + "-" + pool.lastIp()).isEqualTo("192.0.2.1-192.0.2.6");
        assertThat(pool.size()).isEqualTo(6);
        assertThat(pool.used()).as("as the Eip's status.usage: every held address of the range").isEqualTo(2);
        assertThat(pool.free()).as("addresses it hands out that nobody holds").isEqualTo(5);
    }

    @Test
    void aServiceShowsItsPoolProtocolsAndTheNodesAnnouncingIt() {
        PoolSet pools = PoolSet.of(List.of(eip("lab", 1, "192.0.2.0/28")));
        SortedSet<String> nodes = new TreeSet<>(List.of("node2", "node1"));

        ClusterView view = StatusViews.of(pools, List.of(
                new ServiceAddresses("ns/web", List.of(IpAddress.parse("192.0.2.5"), IpAddress.parse("198.51.100.1")),
                        List.of("TCP", "UDP"))), Map.of(IpAddress.parse("192.0.2.5"), nodes), NOW);

        assertThat(view.services()).containsExactly(
                new ServiceView("ns/web", "192.0.2.5", "lab", List.of("TCP", "UDP"), List.of("node1", "node2")),
                new ServiceView("ns/web", "198.51.100.1", "", List.of("TCP", "UDP"), List.of()));
    }

    @Test
    void announcingNodesAreUnknownWhereNodesAreNotWatched() {
        PoolSet pools = PoolSet.of(List.of(eip("lab", 1, "192.0.2.0/28")));

        ClusterView view = StatusViews.of(pools, List.of(service("ns/web", "192.0.2.5")), null, NOW);

        assertThat(view.services().get(0).announcingNodes()).isNull();
    }

    @Test
    void anInvalidEipIsListedWithTheReasonAndNoSize() {
        PoolSet pools = PoolSet.of(List.of(eip("old", 1, "192.0.2.0/24"), eip("new", 2, "192.0.2.128/25")));

        ClusterView view = StatusViews.of(pools, List.of(), null, NOW);

        assertThat(view.pools()).extracting(PoolView::name).containsExactly("new", "old");
        assertThat(view.pools().get(0).invalid()).contains("overlaps Eip old");
        assertThat(view.pools().get(0).size()).isZero();
        assertThat(view.pools().get(1).size()).as("/24 without network and broadcast").isEqualTo(254);
    }

    @Test
    void aHugeIpv6PoolIsCappedNotOverflowed() {
        PoolSet pools = PoolSet.of(List.of(eip("big", 1, "2001:db8::/32")));

        PoolView pool = StatusViews.of(pools, List.of(service("ns/a", "2001:db8::1")), null, NOW).pools().get(0);

        assertThat(pool.size()).isEqualTo(Long.MAX_VALUE);
        assertThat(pool.free()).isEqualTo(Long.MAX_VALUE);
        assertThat(pool.used()).isEqualTo(1);
    }
}
