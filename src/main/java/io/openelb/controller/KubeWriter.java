package io.openelb.controller;

import io.openelb.api.Annotations;
import io.openelb.kube.KubeEvents;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipStatus;
import io.openelb.ipam.ServiceKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The controller's writes to the API server. fabric8 calls block, so each runs on a Vert.x worker
 * thread and completes a Future back on the caller's context. Patches carry no resourceVersion: the
 * controller is the only writer of these fields. A 404 means the object is gone, which is success.
 */
final class KubeWriter {
    private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);
    private static final PatchContext STRATEGIC = PatchContext.of(PatchType.STRATEGIC_MERGE);
    private static final PatchContext JSON = PatchContext.of(PatchType.JSON);

    private final Vertx vertx;
    private final KubernetesClient client;
    private final KubernetesSerialization json = new KubernetesSerialization();

    KubeWriter(Vertx vertx, KubernetesClient client) {
        this.vertx = vertx;
        this.client = client;
    }

    /** Sets {@code status.loadBalancer.ingress} to exactly these addresses. */
    Future<Void> serviceIngress(ServiceKey service, List<String> addresses) {
        List<Map<String, String>> ingress = addresses.stream().map(a -> Map.of("ip", a)).toList();
        String patch = json.asJson(Map.of("status", Map.of("loadBalancer", Map.of("ingress", ingress))));
        return run(() -> client.services().inNamespace(service.namespace()).withName(service.name())
                .subresource("status").patch(MERGE, patch));
    }

    /** Adds our finalizer (keeping others) and the label naming the Eip the addresses come from. */
    Future<Void> claim(ServiceKey service, String pool) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("finalizers", List.of(Annotations.FINALIZER));
        if (!pool.isEmpty()) {
            metadata.put("labels", Map.of(Annotations.POOL, pool));
        }
        String patch = json.asJson(Map.of("metadata", metadata));
        return run(() -> client.services().inNamespace(service.namespace()).withName(service.name())
                .patch(STRATEGIC, patch));
    }

    /** Removes our finalizer (only ours) and the Eip label. */
    Future<Void> unclaim(ServiceKey service) {
        String patch = json.asJson(Map.of("metadata", Map.of(
                "$deleteFromPrimitiveList/finalizers", List.of(Annotations.FINALIZER),
                "labels", java.util.Collections.singletonMap(Annotations.POOL, null))));
        return run(() -> client.services().inNamespace(service.namespace()).withName(service.name())
                .patch(STRATEGIC, patch));
    }

    /** Replaces the whole status of an Eip (a merge patch would keep addresses released since). */
    Future<Void> eipStatus(String eip, EipStatus status) {
        String patch = json.asJson(List.of(Map.of("op", "add", "path", "/status", "value", status)));
        return run(() -> client.resources(Eip.class).withName(eip).subresource("status").patch(JSON, patch));
    }

    /** Records a core/v1 Event about an object, as {@code kubectl describe} shows them. */
    Future<Void> event(ObjectReference about, String type, String reason, String message) {
        String namespace = about.getNamespace() == null ? "default" : about.getNamespace();
        var event = KubeEvents.of(about, namespace, type, reason, message, "openelb-controller",
                System.getProperty("openelb.instance", "openelb-controller"), null);
        return run(() -> client.v1().events().inNamespace(namespace).resource(event).create());
    }

    private Future<Void> run(Callable<?> write) {
        return vertx.executeBlocking(() -> {
            try {
                write.call();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
            return null;
        }, false);
    }
}
