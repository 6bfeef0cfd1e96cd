package io.openelb.kube;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.model.ServiceModel;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker's Events: on a Service when this node starts or stops announcing its address (BGP) or
 * answering for it (Layer 2), on an Eip when this node cannot serve it (the speaker may not write Eip
 * status: the controller owns it), on a BgpPeer this node cannot use, on BgpConf {@code default} when part
 * of it cannot be used. Written on a worker thread of the caller's Vertx; a failed write is logged, never
 * retried.
 */
public final class SpeakerEvents {
    private static final Logger LOG = LoggerFactory.getLogger(SpeakerEvents.class);

    private final Vertx vertx;
    private final KubernetesClient client;
    private final String nodeName;
    private final Supplier<ClusterSnapshot> snapshot;

    /** @param snapshot the caller's newest snapshot (null before the first): where a Service's uid is read */
    public SpeakerEvents(Vertx vertx, KubernetesClient client, String nodeName, Supplier<ClusterSnapshot> snapshot) {
        this.vertx = vertx;
        this.client = client;
        this.nodeName = nodeName;
        this.snapshot = snapshot;
    }

    /** A Normal Event on the Service {@code namespace/name}. */
    public void onService(String key, String reason, String message) {
        onService(key, "Normal", reason, message);
    }

    /** A Warning Event on the Service {@code namespace/name}. */
    public void warnOnService(String key, String reason, String message) {
        onService(key, "Warning", reason, message);
    }

    private void onService(String key, String type, String reason, String message) {
        String[] nsName = key.split("/", 2);
        // kubectl describe finds a Service's Events by its uid: without it, they are not shown
        ClusterSnapshot s = snapshot.get();
        String uid = s == null ? "" : s.service(key).map(ServiceModel::uid).orElse("");
        record(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Service").withNamespace(nsName[0])
                .withName(nsName[1]).withUid(uid.isEmpty() ? null : uid).build(), nsName[0], type, reason, message);
    }

    /** A Warning Event on the Eip. */
    public void onEip(String eip, String reason, String message) {
        warnOnOurs("Eip", eip, reason, message);
    }

    /** A Warning Event on the BgpPeer (this node cannot use it). */
    public void onBgpPeer(String peer, String reason, String message) {
        warnOnOurs("BgpPeer", peer, reason, message);
    }

    /** A Warning Event on the BgpConf (part of it cannot be used on this node). */
    public void onBgpConf(String reason, String message) {
        warnOnOurs("BgpConf", BgpConf.DEFAULT_NAME, reason, message);
    }

    /** A Warning Event on one of the project's cluster-scoped objects (Eip, BgpConf, BgpPeer). */
    private void warnOnOurs(String kind, String name, String reason, String message) {
        // Events about cluster-scoped objects live in "default", as kubectl describe looks for them
        record(new ObjectReferenceBuilder().withApiVersion(Eip.GROUP + "/" + Eip.VERSION).withKind(kind)
                .withName(name).build(), "default", "Warning", reason, message);
    }

    private void record(ObjectReference about, String namespace, String type, String reason, String message) {
        var event = KubeEvents.of(about, namespace, type, reason, message, "openelb-speaker",
                "openelb-speaker-" + nodeName, nodeName);
        vertx.executeBlocking(() -> client.v1().events().inNamespace(namespace).resource(event).create(),
                false).onFailure(e -> LOG.warn("cannot record Event {} on {} {}: {}", reason, about.getKind(),
                        about.getName(), e.getMessage()));
    }
}
