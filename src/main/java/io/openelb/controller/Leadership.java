package io.openelb.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.openelb.config.OperatorConfig.LeaderElection;
import io.openelb.metrics.LeaderGauge;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lease leader election among the controller replicas (fabric8's elector, client-go semantics). The
 * winner runs the controller; a replica that loses the lease while running stops the process, so that
 * two replicas never allocate at once, and its Deployment restarts it as a standby.
 *
 * <p>Noticing the loss is not enough: under load a renewal can hang past the renew deadline, and the
 * standby takes over while this replica still believes it leads (ChaosIT and ControllerRestartsIT saw
 * two replicas hand out the same address that way). So {@link #holdsLease} fences the writes: it is
 * true only until {@code renewDeadline} after the renew time of the last successful renewal, and a write
 * started before then ends within {@code leaseDuration - renewDeadline}. fabric8's standby takes over once
 * its clock passes that renew time plus {@code leaseDuration} (not, as client-go, that long after it
 * observed the renewal), and fabric8 sets the renew time before it reads the Lease: a read that took
 * seconds (an API server starting again) made a renewal sent late, and a fence counted from the sending
 * let this replica write after the standby had taken over (ChaosIT in CI: two Services with one address).
 */
public final class Leadership {
    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    private final KubernetesClient client;
    private final String namespace;
    private final LeaderElection settings;
    private final String identity;
    private final LeaderGauge leader;
    private final LongSupplier nanoClock;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private CompletableFuture<?> election;
    private volatile long validUntilNanos;
    private volatile boolean valid;

    public Leadership(KubernetesClient client, String namespace, LeaderElection settings, String identity,
            LeaderGauge leader) {
        this(client, namespace, settings, identity, leader, System::nanoTime);
    }

    /** As above, with the fence timed by {@code nanoClock} (a monotonic clock in nanoseconds, any thread). */
    public Leadership(KubernetesClient client, String namespace, LeaderElection settings, String identity,
            LeaderGauge leader, LongSupplier nanoClock) {
        this.client = client;
        this.namespace = namespace;
        this.settings = settings;
        this.identity = identity;
        this.leader = leader;
        this.nanoClock = nanoClock;
    }

    /**
     * Starts campaigning; calls {@code onLeading} once this replica leads and {@code onLost} if it loses
     * the lease before {@link #stop}.
     */
    public void start(Runnable onLeading, Runnable onLost) {
        election = client.leaderElector()
                .withConfig(new LeaderElectionConfigBuilder()
                        .withName(settings.leaseName())
                        .withLeaseDuration(settings.leaseDuration())
                        .withRenewDeadline(settings.renewDeadline())
                        .withRetryPeriod(settings.retryPeriod())
                        .withReleaseOnCancel(true)
                        .withLock(new FencedLeaseLock(namespace, settings.leaseName(), identity))
                        .withLeaderCallbacks(new LeaderCallbacks(
                                () -> {
                                    LOG.info("{} leads (Lease {}/{})", identity, namespace, settings.leaseName());
                                    leader.set(true);
                                    onLeading.run();
                                },
                                () -> {
                                    leader.set(false);
                                    if (!stopping.get()) {
                                        LOG.error("{} lost the Lease {}/{}; stopping", identity, namespace,
                                                settings.leaseName());
                                        onLost.run();
                                    }
                                },
                                newLeader -> LOG.info("leader is {}", newLeader)))
                        .build())
                .build()
                .start();
    }

    /**
     * Whether this replica surely still holds the Lease: less than {@code renewDeadline} since the renew time
     * of the last successful renewal (or acquisition). Any thread.
     */
    public boolean holdsLease() {
        return valid && nanoClock.getAsLong() - validUntilNanos < 0;
    }

    /** The Lease lock, timing its own successful writes for {@link #holdsLease}. */
    private final class FencedLeaseLock extends LeaseLock {
        FencedLeaseLock(String namespace, String name, String identity) {
            super(namespace, name, identity);
        }

        @Override
        public synchronized void create(io.fabric8.kubernetes.client.KubernetesClient client,
                LeaderElectionRecord record) {
            long renewed = renewTimeOnNanoClock(record);
            before(record);
            super.create(client, record);
            after(record, renewed);
        }

        @Override
        public synchronized void update(io.fabric8.kubernetes.client.KubernetesClient client,
                LeaderElectionRecord record) {
            long renewed = renewTimeOnNanoClock(record);
            before(record);
            super.update(client, record);
            after(record, renewed);
        }

        /** The record's renew time (wall clock, what a standby counts from) on the fence's clock: now less its age. */
        private long renewTimeOnNanoClock(LeaderElectionRecord record) {
            long now = nanoClock.getAsLong();
            if (record.getRenewTime() == null) {
                return now;
            }
            long age = java.time.Duration.between(record.getRenewTime(), java.time.ZonedDateTime.now()).toNanos();
            return now - Math.max(0, age);
        }

        private boolean mine(LeaderElectionRecord record) {
            return identity().equals(record.getHolderIdentity());
        }

        private void before(LeaderElectionRecord record) {
            if (!mine(record)) {
                valid = false; // releasing
            }
        }

        private void after(LeaderElectionRecord record, long renewed) {
            if (mine(record)) {
                validUntilNanos = renewed + settings.renewDeadline().toNanos();
                valid = true;
            }
        }
    }

    /**
     * Stops campaigning and releases the Lease if held, so a standby takes over at once; waits for that at
     * most {@code within}. The elector's thread holds its lock through a renewal call, and against an API
     * server that does not answer that call retries for about 20 s: past the process's shutdown timeout.
     */
    public void stop(Duration within) {
        stopping.set(true);
        valid = false;
        if (election == null) {
            return;
        }
        CompletableFuture<Void> cancelled = CompletableFuture.runAsync(() -> election.cancel(true));
        try {
            cancelled.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("leader election did not stop within {} (API server not answering?); the Lease expires "
                    + "on its own", within);
        } catch (ExecutionException e) {
            LOG.warn("stopping the leader election failed: {}", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
