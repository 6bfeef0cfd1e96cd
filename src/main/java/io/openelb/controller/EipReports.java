package io.openelb.controller;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipStatus;
import io.openelb.ipam.Allocator;
import io.openelb.metrics.IpamMetrics;
import io.openelb.model.PoolSet;
import io.openelb.model.PoolUsage;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the controller tells about each Eip: its status (usage, validity) when it differs from the desired
 * one, at most one pass at a time, and Events when it turns invalid or valid again. Runs on the
 * controller's event loop; writes on workers.
 */
final class EipReports {
    private static final Logger LOG = LoggerFactory.getLogger(EipReports.class);
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private final KubeWriter writer;
    private final IpamMetrics metrics;
    /** The reason each invalid Eip was last reported with (Event and log), so a reason is said once. */
    private final Map<String, String> reportedInvalid = new HashMap<>();
    private boolean dirty;
    private boolean writing;

    EipReports(KubeWriter writer, IpamMetrics metrics) {
        this.writer = writer;
        this.metrics = metrics;
    }

    /** An Eip's status may differ now (an allocation, a release, a change of the Eips). */
    void dirty() {
        dirty = true;
    }

    /**
     * A Warning Event {@code InvalidEip} (and a log line) on each Eip that is invalid, once per reason, beside
     * its {@code Valid=False} condition: {@code kubectl describe eip} shows both. Valid again: said once too.
     */
    void reportInvalid(Collection<Eip> eips, PoolSet pools) {
        for (Eip eip : eips) {
            String name = eip.getMetadata().getName();
            String why = pools.invalid().get(name);
            if (why != null && !why.equals(reportedInvalid.put(name, why))) {
                LOG.warn("Eip {} is invalid and not used: {}", name, why);
                writer.event(reference(eip), "Warning", "InvalidEip", why)
                        .onFailure(e -> LOG.warn("cannot record Event InvalidEip on Eip {}: {}", name, e.getMessage()));
            } else if (why == null && reportedInvalid.remove(name) != null && pools.pool(name).isPresent()) {
                LOG.info("Eip {} is valid now", name);
                writer.event(reference(eip), "Normal", "ValidEip", "address " + pools.pool(name).get().range()
                        + " is valid").onFailure(e -> LOG.warn("cannot record Event ValidEip on Eip {}: {}", name,
                                e.getMessage()));
            }
        }
        reportedInvalid.keySet().retainAll(pools.invalid().keySet());
    }

    /** Writes every Eip status that differs from the desired one, when something may have changed. */
    void writeStatuses(Map<String, Eip> eips, PoolSet pools, Allocator allocator) {
        if (!dirty || writing) {
            return;
        }
        dirty = false;
        writing = true;
        Instant now = Instant.now();
        List<Future<Void>> writes = new ArrayList<>();
        for (Eip eip : eips.values()) {
            String name = eip.getMetadata().getName();
            if (pools.pool(name).isEmpty() && !pools.invalid().containsKey(name)) {
                dirty = true; // not in the pools seen yet: next pass
                continue;
            }
            EipStatus desired = EipStatuses.desired(eip, pools, allocator, now);
            metrics.poolUsage(name, desired.v4, desired.poolSize, desired.usage,
                    allocator.usage(name).map(PoolUsage::services).orElse(0L));
            if (!sameStatus(desired, eip.getStatus())) {
                writes.add(writer.eipStatus(name, desired));
            }
        }
        metrics.invalidPools(pools.invalid().size());
        metrics.retainPools(eips.keySet());
        Future.join(writes).onComplete(done -> {
            writing = false;
            if (done.failed()) {
                LOG.warn("Eip status write failed, retrying: {}", done.cause().getMessage());
                metrics.apiWriteError();
                dirty = true;
            }
        });
    }

    private static boolean sameStatus(EipStatus desired, EipStatus current) {
        return current != null && JSON.asJson(desired).equals(JSON.asJson(current));
    }

    private static ObjectReference reference(Eip eip) {
        return new ObjectReferenceBuilder().withApiVersion(Eip.GROUP + "/" + Eip.VERSION).withKind("Eip")
                .withName(eip.getMetadata().getName()).withUid(eip.getMetadata().getUid())
                .withResourceVersion(eip.getMetadata().getResourceVersion()).build();
    }
}
