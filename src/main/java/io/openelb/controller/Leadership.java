package io.openelb.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.openelb.config.OperatorConfig.LeaderElection;
import io.openelb.metrics.LeaderGauge;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lease leader election among the controller replicas (fabric8's elector, client-go semantics). The
 * winner runs the controller; a replica that loses the lease while running stops the process, so that
 * two replicas never allocate at once, and its Deployment restarts it as a standby.
 */
public final class Leadership {
    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    private final KubernetesClient client;
    private final String namespace;
    private final LeaderElection settings;
    private final String identity;
    private final LeaderGauge leader;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private CompletableFuture<?> election;

    public Leadership(KubernetesClient client, String namespace, LeaderElection settings, String identity,
            LeaderGauge leader) {
        this.client = client;
        this.namespace = namespace;
        this.settings = settings;
        this.identity = identity;
        this.leader = leader;
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
                        .withLock(new LeaseLock(namespace, settings.leaseName(), identity))
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

    /** Stops campaigning and releases the Lease if held, so a standby takes over at once. */
    public void stop() {
        stopping.set(true);
        if (election != null) {
            election.cancel(true);
        }
    }
}
