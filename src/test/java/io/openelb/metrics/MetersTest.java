package io.openelb.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the program's meters export, in Prometheus text, for the meters the dashboards and alerts read. */
class MetersTest {
    private final Metrics metrics = new Metrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void notificationsAreCountedByDirectionAndRfcErrorName() {
        BgpMetrics bgp = new BgpMetrics(metrics.registry());

        bgp.notification("router", true, 4);
        bgp.notification("router", false, 6);
        bgp.notification("router", false, 42);

        assertThat(metrics.scrape()).contains(
                "openelb_bgp_notifications_total{code=\"hold_timer_expired\",direction=\"sent\",peer=\"router\"} 1.0",
                "openelb_bgp_notifications_total{code=\"cease\",direction=\"received\",peer=\"router\"} 1.0",
                "openelb_bgp_notifications_total{code=\"unknown\",direction=\"received\",peer=\"router\"} 1.0");
    }

    @Test
    void pendingPrefixesArePerPeerAndGoWithThePeer() {
        BgpMetrics bgp = new BgpMetrics(metrics.registry());

        bgp.pending("router", 3);
        assertThat(metrics.scrape()).contains("openelb_bgp_pending_prefixes{peer=\"router\"} 3.0");

        bgp.remove("router");
        assertThat(metrics.scrape()).doesNotContain("peer=\"router\"");
    }

    @Test
    void invalidEipsAndBgpPeersShareOneGaugeByKind() {
        new IpamMetrics(metrics.registry()).invalidPools(2);
        new BgpMetrics(metrics.registry()).invalidPeers(1);

        assertThat(metrics.scrape()).contains("openelb_config_invalid{kind=\"eips\"} 2.0",
                "openelb_config_invalid{kind=\"bgppeers\"} 1.0");
    }

    @Test
    void poolGaugesIncludeServicesAndGoWithThePool() {
        IpamMetrics ipam = new IpamMetrics(metrics.registry());

        ipam.poolUsage("lab", true, 14L, 3L, 4);
        assertThat(metrics.scrape()).contains("openelb_pool_addresses{family=\"ipv4\",pool=\"lab\"} 14.0",
                "openelb_pool_addresses_in_use{family=\"ipv4\",pool=\"lab\"} 3.0",
                "openelb_pool_services{pool=\"lab\"} 4.0");

        ipam.retainPools(Set.of());
        assertThat(metrics.scrape()).doesNotContain("pool=\"lab\"");
    }

    @Test
    void speakerAndControllerWriteErrorsAreOneCounter() {
        new IpamMetrics(metrics.registry()).apiWriteError();
        new BgpMetrics(metrics.registry()).apiWriteError();

        assertThat(metrics.scrape()).contains("openelb_kube_api_write_errors_total 2.0");
    }

    @Test
    void leaderGaugeFollowsTheLease() {
        LeaderGauge leader = new LeaderGauge(metrics.registry());
        assertThat(metrics.scrape()).contains("openelb_controller_leader 0.0");

        leader.set(true);
        assertThat(metrics.scrape()).contains("openelb_controller_leader 1.0");
    }
}
