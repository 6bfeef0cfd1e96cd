package io.openelb.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openelb.config.OperatorConfig.LeaderElection;
import io.openelb.metrics.LeaderGauge;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The write fence of {@link Leadership}: it holds while renewals succeed and drops within the renew
 * deadline once they stop, whether or not the elector has noticed yet. The fence reads a clock the test
 * moves, so "past the deadline" is exact and needs no waiting.
 */
class LeadershipMockTest {
    private static final LeaderElection FAST = new LeaderElection(true, "openelb-controller",
            Duration.ofSeconds(4), Duration.ofSeconds(1), Duration.ofMillis(200));
    private KubernetesMockServer server;
    private KubernetesClient client;
    private Leadership leadership;
    /** The fence's clock: moves only when the test moves it, while the elector renews in real time. */
    private final AtomicLong clock = new AtomicLong();
    /** How long the server takes to answer a read of the Lease (an API server starting again is slow). */
    private final AtomicLong leaseReadMillis = new AtomicLong();
    private final AtomicInteger leaseUpdates = new AtomicInteger();
    private final KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            if (request.getPath().contains("/leases/")) {
                if (request.getMethod().equals("GET")) {
                    sleep(leaseReadMillis.get());
                } else if (request.getMethod().equals("PATCH")) {
                    leaseUpdates.incrementAndGet();
                }
            }
            return super.dispatch(request);
        }
    };

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, true);
        server.init();
        // no request retries: once the server is gone, the elector's calls (and its release on stop) fail at once
        client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(server.createClient().getConfiguration())
                        .withRequestRetryBackoffLimit(0).withRequestTimeout(2000).build()).build();
        leadership = new Leadership(client, "openelb-system", FAST, "replica-a", new LeaderGauge(new SimpleMeterRegistry()),
                clock::get);
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

        long lastRenewal = clock.addAndGet(Duration.ofMillis(1500).toNanos()); // past the renew deadline
        awaitTrue(leadership::holdsLease, "kept by renewals"); // the elector renews every 200 ms

        // every renewal fails from now on, so none was sent after lastRenewal, and one was sent at it
        server.shutdown();
        clock.set(lastRenewal + FAST.renewDeadline().toNanos());
        assertThat(leadership.holdsLease()).as("fenced at the renew deadline (1 s) after the last renewal")
                .isFalse();
    }

    /**
     * fabric8 stamps a renewal's renew time before it reads the Lease, and its standby takes over once that
     * time plus the lease duration has passed. A renewal whose read took longer than the renew deadline thus
     * reaches the API server with a renew time already past the fence: the fence stays closed, though the
     * renewal succeeded (before, it was counted from the sending and opened for another renew deadline,
     * so this replica wrote after a standby could take over).
     */
    @Test
    void aRenewalWhoseReadTookLongerThanTheRenewDeadlineDoesNotOpenTheFence() throws Exception {
        CountDownLatch leading = new CountDownLatch(1);
        leadership.start(leading::countDown, () -> { });
        assertThat(leading.await(10, TimeUnit.SECONDS)).as("leads").isTrue();
        assertThat(leadership.holdsLease()).isTrue();

        leaseReadMillis.set(FAST.renewDeadline().toMillis() + 300);
        int before = leaseUpdates.get();
        // the renewal in progress may have read at once; the next one read slowly, and its response has been
        // taken (fence set) when the one after it arrives
        awaitTrue(() -> leaseUpdates.get() >= before + 3, "two renewals sent after a slow read");
        assertThat(leadership.holdsLease()).as("fenced: the renew time was 1.3 s old when the renewal was sent")
                .isFalse();

        leaseReadMillis.set(0);
        awaitTrue(leadership::holdsLease, "open again after a renewal read at once");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls the elector's effect (it runs on its own thread against the mock server) up to 10 s. */
    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited 10 s: " + what).isNegative();
            Thread.sleep(10);
        }
    }
}
