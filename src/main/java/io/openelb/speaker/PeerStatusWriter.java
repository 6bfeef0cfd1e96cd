package io.openelb.speaker;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpConfStatus;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.BgpPeerStatus;
import io.openelb.kube.KubeJson;
import io.openelb.kube.Named;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this node's entry of {@code BgpPeer.status.nodesPeerStatus} and {@code BgpConf.status.
 * nodesConfStatus}, by merge patch (other nodes' entries stay), at most once per {@link #INTERVAL_MS}
 * per object however often the session changes. A change of the message counters or the number of
 * prefixes alone waits up to {@link #COUNTERS_INTERVAL_MS}: every route change moves them on every node,
 * and each write reaches every speaker's watch, so writing them at once would cost the API server work
 * that grows with the square of the nodes (the metrics, the HTTP API and the gRPC API show them live).
 * Runs on the speaker verticle's event loop; the write itself on a worker.
 */
final class PeerStatusWriter implements SessionReports {
    private static final Logger LOG = LoggerFactory.getLogger(PeerStatusWriter.class);
    static final long INTERVAL_MS = 500;
    static final long COUNTERS_INTERVAL_MS = 60_000;
    private static final KubernetesSerialization JSON = KubeJson.SERIALIZATION;

    private final Vertx vertx;
    private final KubernetesClient client;
    private final String nodeName;
    private final Map<String, BgpPeerStatus.NodePeerStatus> pending = new HashMap<>();
    private final Map<String, BgpPeerStatus.NodePeerStatus> written = new HashMap<>();
    private long flushTimer = -1;
    private long flushDueNanos;
    private BgpConfStatus.NodeConfStatus writtenConf;

    private final io.openelb.metrics.BgpMetrics metrics;

    PeerStatusWriter(Vertx vertx, KubernetesClient client, String nodeName, io.openelb.metrics.BgpMetrics metrics) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.client = client;
        this.nodeName = nodeName;
    }

    @Override
    public void report(String peer, BgpPeerStatus.NodePeerStatus status) {
        pending.put(peer, status);
        flushWithin(countersOnly(written.get(peer), status) ? COUNTERS_INTERVAL_MS : INTERVAL_MS);
    }

    /** This node's router id and AS in BgpConf {@code default}'s status, written when they change. */
    void reportConf(BgpConfStatus.NodeConfStatus conf) {
        if (writtenConf != null && java.util.Objects.equals(writtenConf.routerId, conf.routerId)
                && java.util.Objects.equals(writtenConf.as, conf.as)) {
            return;
        }
        writtenConf = conf;
        String patch = JSON.asJson(Map.of("status", Map.of("nodesConfStatus", Map.of(nodeName, conf))));
        vertx.executeBlocking(() -> client.resources(BgpConf.class)
                .resource(Named.of(BgpConf::new, null, BgpConf.DEFAULT_NAME)).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch), false)
                .onFailure(e -> {
                    writtenConf = null; // the next plan tries again
                    if (e instanceof KubernetesClientException k && k.getCode() == 404) {
                        return; // deleted: the speaker runs on the last one seen, nothing to write to
                    }
                    LOG.warn("BgpConf status not written: {}", e.getMessage());
                    metrics.apiWriteError();
                });
    }

    /** Whether {@code next} differs from what was written only in its message counters and prefix count. */
    static boolean countersOnly(BgpPeerStatus.NodePeerStatus written, BgpPeerStatus.NodePeerStatus next) {
        return written != null && withoutCounters(written).equals(withoutCounters(next));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutCounters(BgpPeerStatus.NodePeerStatus status) {
        Map<String, Object> map = JSON.convertValue(status, Map.class);
        if (map.get("peerState") instanceof Map<?, ?> peerState) {
            ((Map<String, Object>) peerState).remove("messages");
            ((Map<String, Object>) peerState).remove("advertisedPrefixes");
        }
        return map;
    }

    /** Flushes within {@code delayMillis} at the latest (an earlier flush already due stays). */
    private void flushWithin(long delayMillis) {
        long due = System.nanoTime() + delayMillis * 1_000_000;
        if (flushTimer >= 0 && flushDueNanos <= due) {
            return;
        }
        if (flushTimer >= 0) {
            vertx.cancelTimer(flushTimer);
        }
        flushDueNanos = due;
        flushTimer = vertx.setTimer(delayMillis, id -> {
            flushTimer = -1;
            flush();
        });
    }

    private void flush() {
        Map<String, BgpPeerStatus.NodePeerStatus> batch = new HashMap<>(pending);
        pending.clear();
        batch.forEach((peer, status) -> {
            String patch = JSON.asJson(Map.of("status", Map.of("nodesPeerStatus", Map.of(nodeName, status))));
            vertx.executeBlocking(() -> client.resources(BgpPeer.class).resource(Named.of(BgpPeer::new, null, peer))
                    .subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch), false)
                    .onSuccess(ok -> written.put(peer, status))
                    .onFailure(e -> {
                        if (e instanceof KubernetesClientException k && k.getCode() == 404) {
                            return; // the BgpPeer is gone
                        }
                        LOG.warn("BgpPeer {} status not written, retrying: {}", peer, e.getMessage());
                        metrics.apiWriteError();
                        pending.putIfAbsent(peer, status);
                        flushWithin(INTERVAL_MS * 4);
                    });
        });
    }
}
