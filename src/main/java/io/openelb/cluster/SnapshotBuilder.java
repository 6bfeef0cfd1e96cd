package io.openelb.cluster;

import io.openelb.announce.CopyOnWrite;
import io.openelb.announce.ServiceState;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.model.PoolSet;
import io.openelb.model.ServiceModel;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;

/**
 * Builds {@link ClusterSnapshot}s incrementally from converted watch events: an event changes the entry
 * of its object (and, for a Service or an EndpointSlice, the announce state of that one Service) in
 * persistent maps, so a snapshot costs nothing more than the changes it carries, whatever the number of
 * objects. Not thread-safe: one owner (the watcher's event loop) calls it.
 */
public final class SnapshotBuilder {
    private final Set<ResourceKind> watched;
    private final Map<ResourceKind, PMap<String, Object>> objects = new EnumMap<>(ResourceKind.class);
    /** Service key to EndpointSlice key to the nodes of that slice's ready endpoints. */
    private final Map<String, Map<String, Set<String>>> readyNodes = new HashMap<>();
    private PMap<String, ServiceState> announced = HashTreePMap.empty();

    private final Set<ResourceKind> changedKinds = EnumSet.noneOf(ResourceKind.class);
    private final Set<String> changedServices = new HashSet<>();
    private final Set<String> changedNamespaces = new HashSet<>();
    private final Set<String> changedAnnounced = new HashSet<>();
    private ClusterSnapshot last;

    public SnapshotBuilder(Set<ResourceKind> watched) {
        this.watched = Set.copyOf(watched);
        watched.forEach(kind -> objects.put(kind, HashTreePMap.empty()));
        last = ClusterSnapshot.empty(this.watched);
    }

    /** An object was added or updated: {@code value} is what {@link Conversion#convert} made of it. */
    public void put(ResourceKind kind, String key, Object value) {
        Object before = objects.get(kind).get(key);
        objects.put(kind, objects.get(kind).plus(key, value));
        changed(kind, key, before, value);
    }

    public void remove(ResourceKind kind, String key) {
        Object before = objects.get(kind).get(key);
        if (before != null) {
            objects.put(kind, objects.get(kind).minus(key));
            changed(kind, key, before, null);
        }
    }

    /** The current state as a snapshot (the previous one when nothing changed); its {@code changes} say what did. */
    public ClusterSnapshot snapshot(boolean synced) {
        if (changedKinds.isEmpty() && synced == last.synced()) {
            return last;
        }
        ClusterSnapshot.Changes changes = new ClusterSnapshot.Changes(changedKinds, changedServices,
                changedNamespaces, changedAnnounced);
        last = new ClusterSnapshot(last.revision() + 1, synced, watched, changes, typed(ResourceKind.SERVICE),
                announced, typed(ResourceKind.NODE), typed(ResourceKind.EIP),
                changedKinds.contains(ResourceKind.EIP) ? pools(last.pools()) : last.pools(), typed(ResourceKind.BGP_CONF),
                typed(ResourceKind.BGP_PEER), typed(ResourceKind.BGP_ADVERTISEMENT), typed(ResourceKind.SECRET),
                typed(ResourceKind.NAMESPACE));
        changedKinds.clear();
        changedServices.clear();
        changedNamespaces.clear();
        changedAnnounced.clear();
        return last;
    }

    private void changed(ResourceKind kind, String key, Object before, Object after) {
        changedKinds.add(kind);
        switch (kind) {
            case SERVICE -> {
                changedServices.add(key);
                announce(key);
            }
            case ENDPOINT_SLICE -> sliceChanged(key, (SliceModel) before, (SliceModel) after);
            case NAMESPACE -> changedNamespaces.add(key);
            default -> { }
        }
    }

    private void sliceChanged(String key, SliceModel before, SliceModel after) {
        String was = before == null ? null : before.service();
        if (was != null) {
            readyNodes.computeIfPresent(was, (s, bySlice) -> CopyOnWrite.minus(bySlice, key));
            announce(was);
        }
        if (after != null && after.service() != null) {
            readyNodes.compute(after.service(), (s, bySlice) -> CopyOnWrite.plus(bySlice, key, after.readyNodes()));
            announce(after.service());
        }
    }

    /** Recomputes the announce state of one Service, from its model and its slices. */
    private void announce(String service) {
        PMap<String, Object> services = objects.get(ResourceKind.SERVICE);
        ServiceModel model = services == null ? null : (ServiceModel) services.get(service);
        ServiceState state = null;
        if (model != null && model.loadBalancer() && !model.ingress().isEmpty()) {
            Set<String> nodes = new TreeSet<>();
            readyNodes.getOrDefault(service, Map.of()).values().forEach(nodes::addAll);
            state = new ServiceState(service, model.ingress(), model.localTrafficOnly(), nodes);
        }
        if (!Objects.equals(announced.get(service), state)) {
            announced = state == null ? announced.minus(service) : announced.plus(service, state);
            changedAnnounced.add(service);
        }
    }

    /**
     * The pools from the Eips; the previous object when they are the same pools (an Eip's status changes
     * with every allocation: its consumers compare the pools by identity to know they did not change).
     */
    private PoolSet pools(PoolSet previous) {
        PoolSet now = PoolSet.of(objects.get(ResourceKind.EIP).values().stream()
                .map(e -> EipDefinitions.of((Eip) e)).toList());
        return now.equals(previous) ? previous : now;
    }

    /** The map of a kind, typed for the snapshot's readers (empty for a kind this role does not watch). */
    @SuppressWarnings("unchecked")
    private <V> Map<String, V> typed(ResourceKind kind) {
        return (Map<String, V>) (Map<String, ?>) objects.getOrDefault(kind, HashTreePMap.empty());
    }
}
