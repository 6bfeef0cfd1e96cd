package io.openelb.status;

import io.openelb.announce.Layer2Snapshot;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The read-only status of this process: the owners publish immutable values (the cluster view from the
 * informer caches, each BGP session its neighbour view, from the BGP Vertx's event loop, the Layer 2 half
 * its snapshot), and the HTTP
 * verticle reads them from its own. Thread-safe; publishing and reading never block.
 */
public final class StatusBoard {
    private final AtomicReference<ClusterView> cluster = new AtomicReference<>(ClusterView.empty());
    private final Map<String, NeighborView> neighbors = new ConcurrentHashMap<>();
    /** Null in a process without a speaker. */
    private final AtomicReference<Layer2Snapshot> layer2 = new AtomicReference<>();
    private final AtomicReference<SpeakerView> speaker = new AtomicReference<>();

    public void cluster(ClusterView view) {
        cluster.set(view);
    }

    public ClusterView cluster() {
        return cluster.get();
    }

    /** This node's speaker as configured now; null without a usable BgpConf. */
    public void speaker(SpeakerView view) {
        speaker.set(view);
    }

    /** This node's speaker, or null when it has no usable BgpConf (or this process runs no speaker). */
    public SpeakerView speaker() {
        return speaker.get();
    }

    public void neighbor(NeighborView view) {
        neighbors.put(view.peer(), view);
    }

    /** The session of the peer ended (BgpPeer removed or changed, process stopping). */
    public void neighborGone(String peer) {
        neighbors.remove(peer);
    }

    /** Published by the Layer 2 half (speaker role) on every change of ownership, membership or problem. */
    public void layer2(Layer2Snapshot snapshot) {
        layer2.set(snapshot);
    }

    /** Empty in a process that runs no speaker. */
    public Optional<Layer2Snapshot> layer2() {
        return Optional.ofNullable(layer2.get());
    }

    /** Every neighbour, by peer name. */
    public List<NeighborView> neighbors() {
        return neighbors.values().stream().sorted(java.util.Comparator.comparing(NeighborView::peer)).toList();
    }
}
