package io.openelb.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipStatus;
import io.openelb.ipam.AllocationRequest;
import io.openelb.ipam.Allocator;
import io.openelb.ipam.FamilyPolicy;
import io.openelb.ipam.ServiceKey;
import io.openelb.model.EipDefinition;
import io.openelb.model.IpFamily;
import io.openelb.model.PoolSet;
import java.time.Instant;
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
                .containsExactly("Valid=True@2026-01-01T00:00:00Z", "ServedAsLayer2=True@2026-01-01T00:00:00Z");
    }
}
