package io.openelb.controller;

import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.openelb.bus.Snapshots;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.cluster.Conversion;
import io.openelb.cluster.ResourceKind;
import io.openelb.ipam.Allocation;
import io.openelb.ipam.AllocationError;
import io.openelb.ipam.AllocationResult;
import io.openelb.ipam.Allocator;
import io.openelb.ipam.ServiceKey;
import io.openelb.metrics.IpamMetrics;
import io.openelb.model.InvalidAddressException;
import io.openelb.model.IpAddress;
import io.openelb.model.PoolSet;
import io.openelb.model.ServiceModel;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller: keeps every served LoadBalancer Service holding an address from the right Eip, and
 * every Eip's status current. Deployed on the leader only.
 *
 * <p>Decisions are made by the pure {@link Allocator} on this verticle's event loop, in order; only the
 * writes run concurrently (on workers, never two for one Service: {@link ReconcileQueue}). Level-triggered:
 * each cluster snapshot queues the Services its changes may affect, and each is reconciled from the newest
 * snapshot.
 */
public final class IpamVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(IpamVerticle.class);
    private static final long EIP_STATUS_INTERVAL_MS = 500;

    private final ServiceRequests requests;
    private final KubeWriter writer;
    private final IpamMetrics metrics;
    private final EipReports eipReports;
    private final Map<ServiceKey, String> lastFailure = new HashMap<>();
    private final OwnWrites ownWrites = new OwnWrites();
    private ReconcileQueue queue;
    private LaggingWatch lagging;
    private ClusterSnapshot snapshot;
    private Allocator allocator;
    private PoolSet pools = PoolSet.of(List.of());
    private boolean rebuilding;

    IpamVerticle(ServiceRequests requests, KubeWriter writer, IpamMetrics metrics) {
        this.requests = requests;
        this.writer = writer;
        this.metrics = metrics;
        this.eipReports = new EipReports(writer, metrics);
    }

    /** The verticle for the configured class; it writes while {@code leading}, each within {@code writeDeadline}. */
    public static IpamVerticle create(KubernetesClient client, Vertx vertx, String loadBalancerClass,
            boolean allocateUnclassed, IpamMetrics metrics, java.util.function.BooleanSupplier leading,
            java.time.Duration writeDeadline) {
        return new IpamVerticle(new ServiceRequests(loadBalancerClass, allocateUnclassed),
                new KubeWriter(vertx, client, leading, writeDeadline), metrics);
    }

    @Override
    public Future<?> start() {
        queue = new ReconcileQueue(vertx, metrics, this::reconcile);
        lagging = new LaggingWatch(vertx, writer, queue);
        Snapshots.follow(vertx, this::changed);
        new AdvertisementReports(writer, metrics).start(vertx);
        vertx.setPeriodic(EIP_STATUS_INTERVAL_MS, id -> {
            if (allocator != null) {
                eipReports.writeStatuses(snapshot.eips(), pools, allocator);
            }
        });
        return Future.succeededFuture();
    }

    /**
     * Starts nothing new and completes once the writes already started have ended, so that an address
     * is not left without the Eip label that follows it. Main undeploys this verticle before it releases
     * the Lease, so the write fence still lets these writes through.
     */
    @Override
    public Future<?> stop() {
        return queue.stop();
    }

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
                LOG.warn("cannot list Services to rebuild the allocator, retrying in {} ms: {}",
                        ReconcileQueue.RETRY_MS, listed.cause().getMessage());
                vertx.setTimer(ReconcileQueue.RETRY_MS, id -> rebuild());
            } else {
                rebuild(listed.result());
            }
        });
    }

    private void rebuild(ServiceList listed) {
        pools = snapshot.pools();
        allocator = new Allocator(pools.pools());
        List<ServiceModel> services = new ArrayList<>(listed.getItems().stream().map(Conversion::service).toList());
        lagging.rebuiltFrom(listed.getMetadata(), services, snapshot);
        services.sort(ServiceModel.OLDEST_FIRST);
        int restored = 0;
        for (ServiceModel service : services) {
            // a Service being deleted keeps its address until it is gone: it may not go to another meanwhile
            if (!requests.isManaged(service) && !service.deleting()) {
                continue;
            }
            List<IpAddress> held = service.ingress();
            List<AllocationError> conflicts = allocator.restore(ServiceRequests.key(service), held,
                    ServiceRequests.ports(service), ServiceRequests.sharingKey(service), ServiceRequests.pool(service));
            conflicts.forEach(c -> LOG.warn("{}: status address not restored: {}", service.key(), c));
            restored += held.size() - conflicts.size();
        }
        LOG.info("allocator rebuilt from status: {} pools ({} invalid), {} addresses restored",
                pools.pools().size(), pools.invalid().size(), restored);
        eipReports.reportInvalid(snapshot.eips().values(), pools);
        services.forEach(s -> queue.add(ServiceRequests.key(s)));
        snapshot.services().values().forEach(s -> queue.add(ServiceRequests.key(s))); // created since the list
        eipReports.dirty();
        queue.drain();
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
            eipReports.reportInvalid(next.eips().values(), next.pools());
            eipReports.dirty();
        }
        boolean retryWaiting = false;
        if (gap || next.pools() != pools) { // the same pools (an Eip status write) are identical: nothing to retry
            pools = next.pools();
            allocator.setPools(pools.pools());
            retryWaiting = true;
        }
        List<ServiceKey> batch = new ArrayList<>();
        if (gap) {
            next.services().values().forEach(s -> batch.add(ServiceRequests.key(s)));
        } else {
            for (String key : changes.services()) { // an address that left a status (moved, or gone) is free now
                batch.add(ServiceKey.parse(key));
                retryWaiting |= !next.ingressOf(key).containsAll(previous.ingressOf(key));
            }
            changes.namespaces().forEach(namespace -> batch.addAll(waiting(namespace)));
        }
        batch.addAll(retryWaiting ? waiting(null) : List.of());
        queueOldestFirst(batch);
        queue.drain();
    }

    /** Those whose last attempt failed, of one namespace or all (null): a new pool or freed address serves no other. */
    private List<ServiceKey> waiting(String namespace) {
        return lastFailure.keySet().stream()
                .filter(key -> namespace == null || namespace.equals(key.namespace())).toList();
    }

    /** The queue decides in order: what a new pool or freed address offers goes to the Service created first. */
    private void queueOldestFirst(List<ServiceKey> keys) {
        Map<ServiceKey, ServiceModel> services = new HashMap<>(); // each looked up once, not per comparison
        keys.forEach(key -> services.put(key, snapshot.service(key.toString()).orElse(null))); // null: gone
        services.keySet().stream().sorted(Comparator.comparing(services::get,
                Comparator.nullsFirst(ServiceModel.OLDEST_FIRST))).forEach(queue::add);
    }

    /** One Service: decide with the allocator now, then write what differs. */
    private Future<Void> reconcile(ServiceKey key) {
        ServiceModel service = snapshot.service(key.toString()).orElse(null);
        if (service == null || lagging.deletedBeforeTheList(service)) {
            return lagging.releaseIfGone(key, () -> release(key));
        }
        lagging.watched(key);
        if (ownWrites.replacedVersion(key, service.resourceVersion())) {
            return Future.succeededFuture(); // our newer write is on its way through the watch, which queues it again
        }
        if (service.deleting()) {
            // It keeps its address until it is gone (released then, above): no other Service may show it
            // meanwhile. No finalizer of ours holds it (OpenELB's goes here): a delete never waits for us.
            return service.hasFinalizer() ? writer.unclaim(key) : Future.succeededFuture();
        }
        if (!requests.isManaged(service)) {
            return letGo(key, service);
        }
        List<Allocation> before = allocator.allocationsOf(key);
        adoptStatus(key, service);
        AllocationResult result;
        try {
            result = allocator.assign(ServiceRequests.request(service, snapshot.namespaceLabels(key.namespace())));
        } catch (InvalidAddressException e) {
            result = new AllocationResult.Failed(
                    new AllocationError(AllocationError.Reason.INVALID_REQUEST, "requested " + e.getMessage()));
        }
        queueWaitingIfFreed(service, before);
        if (result instanceof AllocationResult.Failed failed) {
            return failed(service, failed.error());
        }
        lastFailure.remove(key);
        eipReports.dirty();
        return write(key, service, ((AllocationResult.Assigned) result).allocations());
    }

    /**
     * Queues the waiting Services when this one gave up an address or holds one on other terms (ports, sharing
     * key) than {@code before}. An address its status shows waits till the status drops it ({@link #changed}):
     * else for a while two Services would show it.
     */
    private void queueWaitingIfFreed(ServiceModel service, List<Allocation> before) {
        List<Allocation> after = allocator.allocationsOf(ServiceRequests.key(service));
        if (!after.containsAll(before) && before.stream().map(Allocation::address).noneMatch(a ->
                service.ingress().contains(a) && after.stream().noneMatch(kept -> kept.address().equals(a)))) {
            queueOldestFirst(waiting(null));
        }
    }

    /** A Service that is not ours (any more): its address and our claim go. */
    private Future<Void> letGo(ServiceKey key, ServiceModel service) {
        boolean held = !allocator.allocationsOf(key).isEmpty();
        Future<Void> clear = held && !service.ingress().isEmpty()
                ? writer.serviceIngress(key, List.of(), service.resourceVersion()).<Void>mapEmpty()
                : Future.succeededFuture();
        return clear.compose(v -> {
            release(key);
            boolean claimed = service.hasFinalizer() || held && service.poolLabel() != null; // never served: kept
            return claimed ? writer.unclaim(key) : Future.succeededFuture();
        });
    }

    /**
     * The status is the truth: a decision made on an older view of this Service (or another writer's)
     * gives way to what the Service holds, and so does another Service's decision that its own status does
     * not show. A new leader that decided on a list taken before the last leader's final writes landed
     * would otherwise keep its picks and, on retry, overwrite the addresses the Services already hold.
     */
    private void adoptStatus(ServiceKey key, ServiceModel service) {
        List<IpAddress> status = service.ingress();
        if (status.isEmpty()) {
            return;
        }
        List<IpAddress> recorded = allocator.allocationsOf(key).stream().map(Allocation::address).toList();
        Allocator.Adoption adoption = allocator.adopt(key, status, ServiceRequests.ports(service),
                ServiceRequests.sharingKey(service), ServiceRequests.pool(service), held -> yieldsTo(service, held));
        for (ServiceKey other : adoption.displaced()) {
            LOG.warn("{}: gives up its claim on an address that {} holds in its status; deciding again", other, key);
            queue.add(other);
        }
        if (!adoption.displaced().isEmpty()) {
            queueOldestFirst(waiting(null)); // they gave up every address they held
        }
        if (!adoption.conflicts().isEmpty()) {
            adoption.conflicts().forEach(c -> LOG.warn("{}: status address not adopted: {}", key, c));
        } else if (!new HashSet<>(recorded).equals(new HashSet<>(status))) {
            LOG.warn("{}: the status holds {}, not {}: kept", key, status, recorded);
        }
    }

    /**
     * Whether the Service holding {@code held} gives it up to {@code claimant}, whose status shows it: when
     * its own status does not (our decision, not written, or written on a stale view and refused), or when
     * both show it and it is the younger (as at a rebuild, the older keeps the address).
     */
    private boolean yieldsTo(ServiceModel claimant, Allocation held) {
        ServiceModel holder = snapshot.service(held.service().toString()).orElse(null);
        return holder == null || !holder.ingress().contains(held.address())
                || ServiceModel.OLDEST_FIRST.compare(claimant, holder) < 0;
    }

    /** Writes the decided addresses and the claim (the Eip label) where they differ. */
    private Future<Void> write(ServiceKey key, ServiceModel service, List<Allocation> allocations) {
        List<String> wanted = ServiceRequests.texts(allocations.stream().map(Allocation::address).toList());
        List<String> current = ServiceRequests.texts(service.ingress());
        String pool = allocations.get(0).pool();
        // addresses of no Eip (kept from one since deleted) leave whatever label the Service has
        boolean claimed = !service.hasFinalizer() && (pool.isEmpty() || pool.equals(service.poolLabel()));
        if (wanted.equals(current)) {
            return claimed ? Future.succeededFuture() : claim(key, pool, service.resourceVersion());
        }
        // the address first: the speakers announce as soon as they see it, one API round trip after the
        // decision; the claim (Eip label) follows at the version that write returned
        return writer.serviceIngress(key, wanted, service.resourceVersion()).compose(written -> {
            ownWrites.written(key, service.resourceVersion(), written);
            metrics.allocated(pool);
            LOG.info("{}: allocated {} from Eip {}", key, String.join(", ", wanted), pool);
            Future<Void> event = writer.event(ServiceRequests.reference(service), "Normal", "IPAllocated",
                    "Allocated " + String.join(", ", wanted) + " from Eip " + pool);
            Future<?> claim = claimed ? Future.succeededFuture() : claim(key, pool, written);
            return Future.join(event, claim).mapEmpty();
        });
    }

    private Future<Void> failed(ServiceModel service, AllocationError error) {
        ServiceKey key = ServiceRequests.key(service);
        metrics.allocationFailed(error.reason());
        if (error.message().equals(lastFailure.put(key, error.message()))) {
            return Future.succeededFuture(); // said already; repeat only when the reason changes
        }
        LOG.warn("{}: no address: {}", key, error);
        return writer.event(ServiceRequests.reference(service), "Warning", "AllocationFailed", error.message());
    }

    private Future<Void> claim(ServiceKey key, String pool, String resourceVersion) {
        return writer.claim(key, pool, resourceVersion).map(written -> {
            ownWrites.written(key, resourceVersion, written);
            return null;
        });
    }

    private void release(ServiceKey key) {
        ownWrites.forget(key);
        lastFailure.remove(key);
        List<Allocation> released = allocator.release(key);
        if (!released.isEmpty()) {
            eipReports.dirty();
            LOG.info("{}: released {}", key, released.stream().map(a -> a.address().toString()).toList());
            queueOldestFirst(waiting(null)); // an address freed may serve a Service that waits for one
        }
    }
}
