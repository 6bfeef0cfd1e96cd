package io.openelb.status;

import io.openelb.announce.Layer2Snapshot;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The read-only status of this process: the owners publish immutable values (each BGP session its
 * neighbour view, the Layer 2 half its snapshot) or, for the cluster view, how to compute it on demand, and
 * the HTTP verticle reads them from its own event loop. Thread-safe; publishing and reading never block.
 */
public final class StatusBoard {
    private final AtomicReference<Supplier<CompletionStage<ClusterView>>> cluster =
            new AtomicReference<>(() -> CompletableFuture.completedFuture(ClusterView.empty()));
    private final Map<String, NeighborView> neighbors = new ConcurrentHashMap<>();
    /** Null in a process without a speaker. */
    private final AtomicReference<Layer2Snapshot> layer2 = new AtomicReference<>();
    private final AtomicReference<SpeakerView> speaker = new AtomicReference<>();
    /** Null in a process that holds no VIP. */
    private final AtomicReference<List<VipView>> vip = new AtomicReference<>();

    /** A fixed view (a process or test that computes it itself). */
    public void cluster(ClusterView view) {
        cluster.set(() -> CompletableFuture.completedFuture(view));
    }

    /**
     * Where {@link #cluster()} gets the view: computed when asked, not on every change (nobody may be
     * looking during a burst of thousands of changes, and each view reads every Service).
     */
    public void clusterViews(Supplier<CompletionStage<ClusterView>> source) {
        cluster.set(source);
    }

    /** The pools and Services view, from any thread; completes on whatever thread computed it. */
    public CompletionStage<ClusterView> cluster() {
        return cluster.get().get();
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

    /** Published by the VIP holder (role apiserver-vip) on every change of its VRRP instances or health. */
    public void vip(List<VipView> instances) {
        vip.set(List.copyOf(instances));
    }

    /** Empty in a process that holds no VIP. */
    public Optional<List<VipView>> vip() {
        return Optional.ofNullable(vip.get());
    }

    /** Every neighbour, by peer name. */
    public List<NeighborView> neighbors() {
        return neighbors.values().stream().sorted(java.util.Comparator.comparing(NeighborView::peer)).toList();
    }
}
