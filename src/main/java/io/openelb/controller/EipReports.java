package io.openelb.controller;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipStatus;
import io.openelb.ipam.Allocator;
import io.openelb.kube.KubeJson;
import io.openelb.metrics.IpamMetrics;
import io.openelb.model.PoolSet;
import io.openelb.model.PoolUsage;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the controller tells about each Eip: its status (usage, validity) when it differs from the desired
 * one, at most one pass at a time, and Events when it turns invalid or valid again. Runs on the
 * controller's event loop; writes on workers.
 */
final class EipReports {
    private static final Logger LOG = LoggerFactory.getLogger(EipReports.class);
    private static final KubernetesSerialization JSON = KubeJson.SERIALIZATION;

    /**
     * An Eip's validity as its status condition {@code Valid} and its Events tell it: valid or not, and the
     * message (the reason it is invalid, or the valid address).
     */
    record Validity(boolean valid, String message) {
        /** As the pools validated the Eip; null when they have not seen it yet. */
        static Validity of(String name, PoolSet pools) {
            String why = pools.invalid().get(name);
            if (why != null) {
                return new Validity(false, why);
            }
            return pools.pool(name).map(p -> new Validity(true, "address " + p.range() + " is valid")).orElse(null);
        }
    }

    /** An Event about an Eip's validity. */
    record ValidityEvent(String type, String reason, String message) {}

    private final KubeWriter writer;
    private final IpamMetrics metrics;
    /** The validity each Eip was last said to have (by its status or an Event) in this process. */
    private final Map<String, Validity> said = new HashMap<>();
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
     * A Warning Event {@code InvalidEip} (and a log line) on each Eip that turns invalid or changes its reason,
     * beside its {@code Valid=False} condition: {@code kubectl describe eip} shows both; a Normal Event
     * {@code ValidEip} when it turns valid. Said on change only: a restarted controller (or a new leader) that
     * finds the reason in the Eip's status already says nothing again.
     */
    void reportInvalid(Collection<Eip> eips, PoolSet pools) {
        Set<String> names = new HashSet<>();
        for (Eip eip : eips) {
            String name = eip.getMetadata().getName();
            names.add(name);
            Validity now = Validity.of(name, pools);
            if (now == null) {
                continue; // not validated yet
            }
            // what this process said last is newer than the status, whose write may not have landed yet
            Validity saidBefore = said.put(name, now);
            Validity before = saidBefore != null ? saidBefore : shown(eip);
            Optional<ValidityEvent> event = validityEvent(before, now);
            if (event.isPresent()) {
                post(eip, event.get());
            } else if (saidBefore == null && !now.valid()) {
                LOG.info("Eip {} is invalid and not used (its status says so already): {}", name, now.message());
            }
        }
        said.keySet().retainAll(names);
    }

    /**
     * The Event that tells a change of an Eip's validity, if it changed: {@code InvalidEip} when it is invalid
     * and was not with this reason, {@code ValidEip} when it is valid and was invalid.
     *
     * @param before what was said last: by the Eip's status ({@link #shown}) or an Event; null when nothing
     */
    static Optional<ValidityEvent> validityEvent(Validity before, Validity now) {
        if (!now.valid() && !now.equals(before)) {
            return Optional.of(new ValidityEvent("Warning", "InvalidEip", now.message()));
        }
        if (now.valid() && before != null && !before.valid()) {
            return Optional.of(new ValidityEvent("Normal", "ValidEip", now.message()));
        }
        return Optional.empty();
    }

    /** The validity the Eip's status condition {@code Valid} shows, as watched; null when it shows none. */
    static Validity shown(Eip watched) {
        EipStatus status = watched.getStatus();
        if (status == null || status.conditions == null) {
            return null;
        }
        return status.conditions.stream()
                .filter(c -> "Valid".equals(c.getType()))
                .filter(c -> "True".equals(c.getStatus()) || "False".equals(c.getStatus()))
                .findFirst()
                .map(c -> new Validity("True".equals(c.getStatus()), Objects.requireNonNullElse(c.getMessage(), "")))
                .orElse(null);
    }

    private void post(Eip eip, ValidityEvent event) {
        String name = eip.getMetadata().getName();
        if (event.type().equals("Warning")) {
            LOG.warn("Eip {} is invalid and not used: {}", name, event.message());
        } else {
            LOG.info("Eip {} is valid now", name);
        }
        writer.event(reference(eip), event.type(), event.reason(), event.message()).onFailure(e -> LOG.warn(
                "cannot record Event {} on Eip {}: {}", event.reason(), name, e.getMessage()));
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
