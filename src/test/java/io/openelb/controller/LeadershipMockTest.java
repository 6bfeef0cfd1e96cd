package io.openelb.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openelb.config.OperatorConfig.LeaderElection;
import io.openelb.metrics.LeaderGauge;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The write fence of {@link Leadership}: it holds while renewals succeed and drops within the renew
 * deadline once they stop, whether or not the elector has noticed yet.
 */
class LeadershipMockTest {
    private static final LeaderElection FAST = new LeaderElection(true, "openelb-controller",
            Duration.ofSeconds(4), Duration.ofSeconds(1), Duration.ofMillis(200));
    private KubernetesMockServer server;
    private KubernetesClient client;
    private Leadership leadership;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), true);
        server.init();
        // no request retries: once the server is gone, the elector's calls (and its release on stop) fail at once
        client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(server.createClient().getConfiguration())
                        .withRequestRetryBackoffLimit(0).withRequestTimeout(2000).build()).build();
        leadership = new Leadership(client, "openelb-system", FAST, "replica-a", new LeaderGauge(new SimpleMeterRegistry()));
    }

    @AfterEach
    void stop() {
        leadership.stop(java.time.Duration.ofSeconds(5));
        client.close();
        server.destroy();
    }

    @Test
    void writesAreFencedOnceRenewalsStopAndBeforeTheLossIsNoticed() throws Exception {
        assertThat(leadership.holdsLease()).as("before campaigning").isFalse();
        CountDownLatch leading = new CountDownLatch(1);
        leadership.start(leading::countDown, () -> { });
        assertThat(leading.await(10, TimeUnit.SECONDS)).as("leads").isTrue();
        assertThat(leadership.holdsLease()).isTrue();
        Thread.sleep(1500); // longer than the renew deadline: only renewals keep it
        assertThat(leadership.holdsLease()).as("kept by renewals").isTrue();

        server.shutdown(); // every renewal fails from now on
        long stopped = System.nanoTime();
        while (leadership.holdsLease() && System.nanoTime() - stopped < TimeUnit.SECONDS.toNanos(5)) {
            Thread.sleep(20);
        }
        long ms = (System.nanoTime() - stopped) / 1_000_000;
        assertThat(leadership.holdsLease()).isFalse();
        assertThat(ms).as("fenced within the renew deadline (1 s) after the last renewal").isLessThan(1300);
    }
}
