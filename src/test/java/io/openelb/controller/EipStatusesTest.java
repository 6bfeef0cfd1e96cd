package io.openelb.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipStatus;
import io.openelb.ipam.Allocation;
import io.openelb.ipam.AllocationRequest;
import io.openelb.ipam.Allocator;
import io.openelb.ipam.FamilyPolicy;
import io.openelb.ipam.ServiceKey;
import io.openelb.metrics.IpamMetrics;
import io.openelb.metrics.Metrics;
import io.openelb.model.EipDefinition;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.model.PoolSet;
import io.openelb.status.PoolView;
import io.openelb.status.ServiceAddresses;
import io.openelb.status.StatusViews;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EipStatusesTest {

    @Test
    void statusStaysSmallWith50000AllocationsAndCountsExactly() {
        PoolSet pools = PoolSet.of(List.of(new EipDefinition("big", 0, "10.0.0.0/16", "bgp", "", false, 0,
                List.of("ns"), Map.of(), false, false)));
        Allocator allocator = new Allocator(pools.pools());
        for (int i = 0; i < 50_000; i++) {
            allocator.assign(new AllocationRequest(new ServiceKey("ns", "service-with-a-long-name-" + i), "", List.of(),
                    List.of(IpFamily.IPV4), FamilyPolicy.SINGLE_STACK, Set.of(), "", Map.of()));
        }
        Eip eip = new Eip();
        eip.setMetadata(new ObjectMetaBuilder().withName("big").build());

        EipStatus status = EipStatuses.desired(eip, pools, allocator, Instant.now());
        int bytes = new KubernetesSerialization().asJson(status).length();

        assertThat(status.usage).isEqualTo(50_000);
        assertThat(status.poolSize).isEqualTo(65_534);
        assertThat(status.used).hasSize(EipStatuses.MAX_USED_LISTED);
        assertThat(bytes).as("status JSON size; etcd's object limit is 1.5 MiB").isLessThan(16 * 1024);
    }

    @Test
    void unchangedConditionsKeepTheirTransitionTime() {
        PoolSet pools = PoolSet.of(List.of(new EipDefinition("p", 0, "192.0.2.0/29", "vip", "eth0", false, 0,
                List.of(), Map.of(), false, false)));
        Allocator allocator = new Allocator(pools.pools());
        Eip eip = new Eip();
        eip.setMetadata(new ObjectMetaBuilder().withName("p").build());
        eip.setStatus(EipStatuses.desired(eip, pools, allocator, Instant.parse("2026-01-01T00:00:00Z")));

        EipStatus later = EipStatuses.desired(eip, pools, allocator, Instant.parse("2026-06-01T00:00:00Z"));

        assertThat(later.conditions).extracting(c -> c.getType() + "=" + c.getStatus() + "@" + c.getLastTransitionTime())
                .containsExactly("Valid=True@2026-01-01T00:00:00Z");
    }

    /**
     * One definition of pool usage. A /27 that hands out .1-.30, where Services OpenELB served still hold the
     * network (.0) and broadcast (.31) address, and 29 more hold .1-.29: the Eip status, the metric and the
     * pools API all count 31 held addresses (status.usage once said 29), and releasing the .0 holder lowers
     * each by one.
     */
    @Test
    void statusMetricAndPoolsApiCountEveryHeldAddressOfTheRangeAlike() {
        PoolSet pools = PoolSet.of(List.of(new EipDefinition("lab", 0, "192.0.2.0/27", "bgp", "", false, 0,
                List.of("ns"), Map.of(), false, false)));
        Allocator allocator = new Allocator(pools.pools());
        List<ServiceKey> services = new ArrayList<>();
        ServiceKey network = new ServiceKey("ns", "migrated-network");
        ServiceKey broadcast = new ServiceKey("ns", "migrated-broadcast");
        assertThat(allocator.restore(network, List.of(IpAddress.parse("192.0.2.0")), Set.of(), "", "")).isEmpty();
        assertThat(allocator.restore(broadcast, List.of(IpAddress.parse("192.0.2.31")), Set.of(), "", "")).isEmpty();
        services.addAll(List.of(network, broadcast));
        for (int i = 0; i < 29; i++) {
            services.add(assign(allocator, "s" + i));
        }

        try (Metrics metrics = new Metrics()) {
            // Nothing differs from the status each check sets beforehand, so the reports write nothing.
            EipReports reports = new EipReports(null, new IpamMetrics(metrics.registry()));
            Usage seen = usage(pools, allocator, services, reports, metrics);
            assertThat(seen.counts()).as("status usage, status used entries, metric, pools API")
                    .containsExactly(31L, 31L, 31L, 31L);
            assertThat(seen.status().poolSize).isEqualTo(30);
            assertThat(seen.status().firstIP + "-" + seen.status().lastIP).isEqualTo("192.0.2.1-192.0.2.30");
            assertThat(seen.view().firstIp() + "-" + seen.view().lastIp()).isEqualTo("192.0.2.1-192.0.2.30");
            assertThat(seen.view().size()).isEqualTo(30);
            assertThat(seen.metricSize()).isEqualTo(30);
            assertThat(seen.view().free()).as(".30 is still free").isEqualTo(1);
            assertThat(seen.status().occupied).isFalse();

            allocator.release(network);
            services.remove(network);
            assertThat(usage(pools, allocator, services, reports, metrics).counts())
                    .containsExactly(30L, 30L, 30L, 30L);

            services.add(assign(allocator, "last"));
            Usage full = usage(pools, allocator, services, reports, metrics);
            assertThat(full.counts()).containsExactly(31L, 31L, 31L, 31L);
            assertThat(full.status().occupied).isTrue();
            assertThat(full.view().free()).isZero();
        }
    }

    private static ServiceKey assign(Allocator allocator, String name) {
        ServiceKey key = new ServiceKey("ns", name);
        allocator.assign(new AllocationRequest(key, "", List.of(), List.of(IpFamily.IPV4), FamilyPolicy.SINGLE_STACK,
                Set.of(), "", Map.of()));
        assertThat(allocator.allocationsOf(key)).hasSize(1);
        return key;
    }

    /** Pool "lab" as the Eip status, the metrics and the pools API tell it. */
    private record Usage(EipStatus status, long metricInUse, long metricSize, PoolView view) {
        List<Long> counts() {
            return List.of(status.usage, (long) status.used.size(), metricInUse, view.used());
        }
    }

    private static Usage usage(PoolSet pools, Allocator allocator, List<ServiceKey> services, EipReports reports,
            Metrics metrics) {
        Eip eip = new Eip();
        eip.setMetadata(new ObjectMetaBuilder().withName("lab").build());
        eip.setStatus(EipStatuses.desired(eip, pools, allocator, Instant.now()));
        reports.dirty();
        reports.writeStatuses(Map.of("lab", eip), pools, allocator);
        List<ServiceAddresses> held = services.stream().map(s -> new ServiceAddresses(s.toString(),
                allocator.allocationsOf(s).stream().map(Allocation::address).toList(), List.of("TCP"))).toList();
        PoolView view = StatusViews.of(pools, held, null, Instant.now()).pools().get(0);
        return new Usage(eip.getStatus(), gauge(metrics, "openelb_pool_addresses_in_use"),
                gauge(metrics, "openelb_pool_addresses"), view);
    }

    private static long gauge(Metrics metrics, String name) {
        return (long) metrics.registry().get(name).tag("pool", "lab").gauge().value();
    }
}
