package io.openelb.controller;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipStatus;
import io.openelb.bus.Snapshots;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.cluster.Conversion;
import io.openelb.cluster.ResourceKind;
import io.openelb.ipam.Allocation;
import io.openelb.ipam.AllocationError;
import io.openelb.ipam.AllocationRequest;
import io.openelb.ipam.AllocationResult;
import io.openelb.ipam.Allocator;
import io.openelb.ipam.ServiceKey;
import io.openelb.metrics.IpamMetrics;
import io.openelb.model.InvalidAddressException;
import io.openelb.model.IpAddress;
import io.openelb.model.PoolSet;
import io.openelb.model.ServiceModel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller: keeps every served LoadBalancer Service holding an address from the right Eip, and
 * every Eip's status current. Deployed on the leader only.
 *
 * <p>Decisions are made by the pure {@link Allocator} on this verticle's event loop, in order; only the
 * writes run concurrently (on workers, never two for one Service). Level-triggered: each cluster snapshot
 * queues the Services its changes may affect, and each is reconciled from the newest snapshot.
 */
public final class IpamVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(IpamVerticle.class);
    private static final int MAX_WRITES_IN_FLIGHT = 16;
    private static final long EIP_STATUS_INTERVAL_MS = 500;
    private static final long RETRY_MS = 1000;
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private final ServiceRequests requests;
    private final KubeWriter writer;
    private final IpamMetrics metrics;

    private ClusterSnapshot snapshot;
    private Allocator allocator;
    private PoolSet pools = PoolSet.of(List.of());
    private final Set<ServiceKey> queued = new LinkedHashSet<>();
    private final Set<ServiceKey> inFlight = new HashSet<>();
    private final Map<ServiceKey, String> lastFailure = new HashMap<>();
    /** The reason each invalid Eip was last reported with (Event and log), so a reason is said once. */
    private final Map<String, String> reportedInvalid = new HashMap<>();
    private boolean eipStatusDirty;
    private boolean eipStatusWriting;

    IpamVerticle(ServiceRequests requests, KubeWriter writer, IpamMetrics metrics) {
        this.requests = requests;
        this.writer = writer;
        this.metrics = metrics;
    }

    /** Builds the verticle for the configured class; it writes only while {@code leading} says so. */
    public static IpamVerticle create(KubernetesClient client, Vertx vertx, String loadBalancerClass,
            boolean allocateUnclassed, IpamMetrics metrics, java.util.function.BooleanSupplier leading) {
        return new IpamVerticle(new ServiceRequests(loadBalancerClass, allocateUnclassed),
                new KubeWriter(vertx, client, leading), metrics);
    }

    @Override
    public Future<?> start() {
        Snapshots.follow(vertx, this::changed);
        vertx.setPeriodic(EIP_STATUS_INTERVAL_MS, id -> writeEipStatuses());
        return Future.succeededFuture();
    }

    private boolean rebuilding;

    /**
     * Rebuilds the allocator from {@code Service.status}, the source of truth, as the API server has it
     * now: from a fresh list, not from the informer cache, which may lag (a standby's watch may still be
     * reconnecting after an API server restart when it takes over, and an address written by the last
     * leader would look free). Oldest Service first, so of two Services claiming one address the older
     * keeps it; then reconciles everything. Retried while the API server does not answer.
     */
    private void rebuild() {
        if (allocator != null || rebuilding) {
            return;
        }
        rebuilding = true;
        writer.services().onComplete(listed -> {
            rebuilding = false;
            if (listed.failed()) {
                LOG.warn("cannot list Services to rebuild the allocator, retrying in {} ms: {}", RETRY_MS,
                        listed.cause().getMessage());
                vertx.setTimer(RETRY_MS, id -> rebuild());
            } else {
                rebuild(listed.result());
            }
        });
    }

    private void rebuild(List<Service> listed) {
        pools = snapshot.pools();
        allocator = new Allocator(pools.pools());
        List<ServiceModel> services = new ArrayList<>(listed.stream().map(Conversion::service).toList());
        services.sort(Comparator.comparing(ServiceModel::createdAt).thenComparing(ServiceModel::key));
        int restored = 0;
        for (ServiceModel service : services) {
            // a Service being deleted keeps its address until it is gone: it may not go to another meanwhile
            if (!requests.isManaged(service) && !service.deleting()) {
                continue;
            }
            List<IpAddress> held = service.ingress();
            List<AllocationError> conflicts = allocator.restore(ServiceRequests.key(service), held,
                    ServiceRequests.ports(service), ServiceRequests.sharingKey(service));
            conflicts.forEach(c -> LOG.warn("{}: status address not restored: {}", ServiceRequests.key(service), c));
            restored += held.size() - conflicts.size();
        }
        LOG.info("allocator rebuilt from status: {} pools ({} invalid), {} addresses restored",
                pools.pools().size(), pools.invalid().size(), restored);
        reportInvalidEips();
        services.forEach(s -> queued.add(ServiceRequests.key(s)));
        snapshot.services().values().forEach(s -> queued.add(ServiceRequests.key(s))); // created since the list
        eipStatusDirty = true;
        drain();
    }

    private void changed(ClusterSnapshot next) {
        ClusterSnapshot previous = snapshot;
        snapshot = next;
        if (!next.synced()) {
            return;
        }
        if (allocator == null) {
            rebuild(); // reconciles everything
            return;
        }
        // a snapshot missed (none is, in order on one bus; but never guess): everything may have changed
        boolean gap = previous == null || next.revision() != previous.revision() + 1;
        ClusterSnapshot.Changes changes = next.changes();
        if (gap || changes.kinds().contains(ResourceKind.EIP)) {
            pools = next.pools();
            allocator.setPools(pools.pools());
            reportInvalidEips();
            queueWaiting(null);
            eipStatusDirty = true;
        }
        if (gap) {
            next.services().values().forEach(s -> queued.add(ServiceRequests.key(s)));
        } else {
            changes.services().forEach(key -> queued.add(serviceKey(key)));
            changes.namespaces().forEach(this::queueWaiting);
        }
        drain();
    }

    private static ServiceKey serviceKey(String key) {
        String[] nsName = key.split("/", 2);
        return new ServiceKey(nsName[0], nsName[1]);
    }

    /**
     * Queues the Services waiting for an address (their last attempt failed), of one namespace or of all
     * when null. Only those: a freed address or a new pool cannot change anything for the others.
     */
    private void queueWaiting(String namespace) {
        for (ServiceKey key : lastFailure.keySet()) {
            if (namespace == null || namespace.equals(key.namespace())) {
                queued.add(key);
            }
        }
    }

    private boolean drainQueued;
    private boolean stopping;

    /**
     * Starts nothing new and completes once the writes already started have ended: an address written
     * without the claim that follows it (finalizer, Eip label) would let its Service be deleted unseen while
     * no controller runs. Main undeploys this verticle before it releases the Lease, so the write fence
     * still lets these writes through.
     */
    @Override
    public Future<?> stop() {
        stopping = true;
        Promise<Void> idle = Promise.promise();
        whenIdle(idle);
        return idle.future();
    }

    private void whenIdle(Promise<Void> idle) {
        if (inFlight.isEmpty()) {
            idle.complete();
        } else {
            vertx.setTimer(20, id -> whenIdle(idle));
        }
    }

    private void drain() {
        while (!stopping && inFlight.size() < MAX_WRITES_IN_FLIGHT) {
            // a key whose reconcile is running waits in the queue until that one ends
            ServiceKey key = queued.stream().filter(k -> !inFlight.contains(k)).findFirst().orElse(null);
            if (key == null) {
                return;
            }
            queued.remove(key);
            inFlight.add(key);
            long started = System.nanoTime();
            reconcile(key).onComplete(result -> {
                inFlight.remove(key);
                metrics.reconciled(System.nanoTime() - started, result.succeeded());
                if (result.failed()) {
                    LOG.warn("{}: write failed, retrying in {} ms: {}", key, RETRY_MS, result.cause().getMessage());
                    metrics.apiWriteError();
                    vertx.setTimer(RETRY_MS, id -> {
                        queued.add(key);
                        drainSoon();
                    });
                }
                drainSoon();
            });
        }
    }

    /**
     * drain() on the next event-loop turn, once however often asked. A reconcile that completes at once
     * (nothing to write) calls back inside drain()'s loop: calling drain() there recursed once per such
     * Service, and a few thousand Services waiting for a pool overflowed the stack.
     */
    private void drainSoon() {
        if (!drainQueued) {
            drainQueued = true;
            vertx.runOnContext(v -> {
                drainQueued = false;
                drain();
            });
        }
    }

    /** One Service: decide with the allocator now, then write what differs. */
    private Future<Void> reconcile(ServiceKey key) {
        ServiceModel service = snapshot.service(key.toString()).orElse(null);
        if (service == null) {
            release(key);
            return Future.succeededFuture();
        }
        String version = service.resourceVersion();
        if (service.deleting()) {
            // It keeps its address until it is gone (released then, above): while it exists, no other
            // Service may show the same address.
            return service.hasFinalizer() ? writer.unclaim(key) : Future.succeededFuture();
        }
        if (!requests.isManaged(service)) {
            boolean held = !allocator.allocationsOf(key).isEmpty();
            boolean ours = service.hasFinalizer();
            Future<Void> clear = held && !service.ingress().isEmpty()
                    ? writer.serviceIngress(key, List.of(), version).<Void>mapEmpty()
                    : Future.succeededFuture();
            return clear.compose(v -> {
                release(key);
                return ours ? writer.unclaim(key) : Future.succeededFuture();
            });
        }
        List<IpAddress> status = service.ingress();
        if (!status.isEmpty()) {
            // The status is the truth: a decision made on an older view of this Service (or another
            // writer's) gives way to what the Service holds.
            List<IpAddress> recorded = allocator.allocationsOf(key).stream().map(Allocation::address).toList();
            List<AllocationError> conflicts = allocator.adopt(key, status, ServiceRequests.ports(service),
                    ServiceRequests.sharingKey(service));
            if (!conflicts.isEmpty()) {
                conflicts.forEach(c -> LOG.warn("{}: status address not adopted: {}", key, c));
            } else if (!new java.util.HashSet<>(recorded).equals(new java.util.HashSet<>(status))) {
                LOG.warn("{}: the status holds {}, not {}: kept", key, status, recorded);
            }
        }
        AllocationResult result;
        try {
            AllocationRequest request = ServiceRequests.request(service, snapshot.namespaceLabels(key.namespace()));
            result = allocator.assign(request);
        } catch (InvalidAddressException e) {
            result = new AllocationResult.Failed(
                    new AllocationError(AllocationError.Reason.INVALID_REQUEST, "requested " + e.getMessage()));
        }
        if (result instanceof AllocationResult.Failed failed) {
            return failed(service, failed.error());
        }
        List<Allocation> allocations = ((AllocationResult.Assigned) result).allocations();
        lastFailure.remove(key);
        eipStatusDirty = true;
        List<String> wanted = ServiceRequests.texts(allocations.stream().map(Allocation::address).toList());
        List<String> current = ServiceRequests.texts(service.ingress());
        String pool = allocations.get(0).pool();
        boolean claimed = service.hasFinalizer() && pool.equals(service.poolLabel());
        if (wanted.equals(current)) {
            return claimed ? Future.succeededFuture() : writer.claim(key, pool, version).mapEmpty();
        }
        // the address first: the speakers announce as soon as they see it, one API round trip after the
        // decision; the claim (finalizer, Eip label) follows at the version that write returned
        return writer.serviceIngress(key, wanted, version).compose(written -> {
            metrics.allocated(pool);
            LOG.info("{}: allocated {} from Eip {}", key, String.join(", ", wanted), pool);
            Future<Void> event = writer.event(reference(service), "Normal", "IPAllocated",
                    "Allocated " + String.join(", ", wanted) + " from Eip " + pool);
            Future<?> claim = claimed ? Future.succeededFuture() : writer.claim(key, pool, written);
            return Future.join(event, claim).mapEmpty();
        });
    }

    /**
     * A Warning Event {@code InvalidEip} (and a log line) on each Eip that is invalid, once per reason, beside
     * its {@code Valid=False} condition: {@code kubectl describe eip} shows both. Valid again: said once too.
     */
    private void reportInvalidEips() {
        for (Eip eip : snapshot.eips().values()) {
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

    private static ObjectReference reference(Eip eip) {
        return new ObjectReferenceBuilder().withApiVersion(Eip.GROUP + "/" + Eip.VERSION).withKind("Eip")
                .withName(eip.getMetadata().getName()).withUid(eip.getMetadata().getUid())
                .withResourceVersion(eip.getMetadata().getResourceVersion()).build();
    }

    private Future<Void> failed(ServiceModel service, AllocationError error) {
        ServiceKey key = ServiceRequests.key(service);
        metrics.allocationFailed(error.reason());
        if (error.message().equals(lastFailure.put(key, error.message()))) {
            return Future.succeededFuture(); // said already; repeat only when the reason changes
        }
        LOG.warn("{}: no address: {}", key, error);
        return writer.event(reference(service), "Warning", "AllocationFailed", error.message());
    }

    private boolean release(ServiceKey key) {
        lastFailure.remove(key);
        List<Allocation> released = allocator.release(key);
        if (!released.isEmpty()) {
            eipStatusDirty = true;
            LOG.info("{}: released {}", key, released.stream().map(a -> a.address().toString()).toList());
            queueWaiting(null); // an address freed may serve a Service that waits for one
        }
        return !released.isEmpty();
    }

    /** Writes every Eip status that differs from the desired one; at most one pass at a time. */
    private void writeEipStatuses() {
        if (!eipStatusDirty || eipStatusWriting || allocator == null) {
            return;
        }
        eipStatusDirty = false;
        eipStatusWriting = true;
        Instant now = Instant.now();
        List<Future<Void>> writes = new ArrayList<>();
        for (Eip eip : snapshot.eips().values()) {
            String name = eip.getMetadata().getName();
            if (pools.pool(name).isEmpty() && !pools.invalid().containsKey(name)) {
                eipStatusDirty = true; // in the cache before its change event reached us: next pass
                continue;
            }
            EipStatus desired = EipStatuses.desired(eip, pools, allocator, now);
            metrics.poolUsage(name, desired.v4, desired.poolSize, desired.usage,
                    allocator.usage(name).map(io.openelb.ipam.PoolUsage::services).orElse(0L));
            if (!sameStatus(desired, eip.getStatus())) {
                writes.add(writer.eipStatus(eip.getMetadata().getName(), desired));
            }
        }
        metrics.invalidPools(pools.invalid().size());
        metrics.retainPools(snapshot.eips().keySet());
        Future.join(writes).onComplete(done -> {
            eipStatusWriting = false;
            if (done.failed()) {
                LOG.warn("Eip status write failed, retrying: {}", done.cause().getMessage());
                metrics.apiWriteError();
                eipStatusDirty = true;
            }
        });
    }

    private static boolean sameStatus(EipStatus desired, EipStatus current) {
        return current != null && JSON.asJson(desired).equals(JSON.asJson(current));
    }

    private static ObjectReference reference(ServiceModel service) {
        return new ObjectReferenceBuilder().withApiVersion("v1").withKind("Service")
                .withNamespace(service.namespace()).withName(service.name())
                .withUid(service.uid()).withResourceVersion(service.resourceVersion())
                .build();
    }

}
