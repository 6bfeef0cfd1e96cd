package io.openelb.controller;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.openelb.api.Annotations;
import io.openelb.api.v1alpha2.BgpAdvertisement;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipStatus;
import io.openelb.ipam.ServiceKey;
import io.openelb.kube.KubeEvents;
import io.openelb.kube.KubeJson;
import io.openelb.kube.Named;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The controller's writes to the API server. fabric8 calls block, so each runs on a Vert.x worker
 * thread and completes a Future back on the caller's context. A 404 means the object is gone, which is
 * success. The writes that hand out an address carry the resourceVersion of the Service the decision was
 * made on: the controller's view may lag (a new leader whose watch is reconnecting after an API server
 * restart, a replica that lost the Lease and still writes), and a decision made on an old version must
 * fail with 409 Conflict and be made again, not overwrite an address the Service already holds.
 */
final class KubeWriter {
    private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);
    private static final PatchContext STRATEGIC = PatchContext.of(PatchType.STRATEGIC_MERGE);
    private static final PatchContext JSON = PatchContext.of(PatchType.JSON);

    private final Vertx vertx;
    private final KubernetesClient client;
    private final KubernetesClient writes;
    private final KubernetesSerialization json = KubeJson.SERIALIZATION;
    private final java.util.function.BooleanSupplier leading;

    /**
     * {@code leading}: checked right before every write; a write is refused when it is false. Each write
     * gets one attempt that ends within {@code writeDeadline}: fabric8 would retry a write for a minute and
     * more while the API server is down, long after the Lease that allowed it expired, and the late write
     * could land after a new leader listed the Services (ChaosIT saw it move addresses). Failed writes are
     * retried by the caller, which checks {@code leading} again.
     */
    KubeWriter(Vertx vertx, KubernetesClient client, java.util.function.BooleanSupplier leading,
            java.time.Duration writeDeadline) {
        this.vertx = vertx;
        this.client = client;
        this.writes = client.newClient(new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
                        .withRequestRetryBackoffLimit(0)
                        .withRequestTimeout((int) writeDeadline.toMillis())
                        .build())
                .adapt(KubernetesClient.class);
        this.leading = leading;
    }

    /**
     * Sets {@code status.loadBalancer.ingress} to exactly these addresses, if the Service is still at
     * {@code resourceVersion} (409 Conflict otherwise); completes with its new one.
     */
    Future<String> serviceIngress(ServiceKey service, List<String> addresses, String resourceVersion) {
        List<Map<String, String>> ingress = addresses.stream().map(a -> Map.of("ip", a)).toList();
        String patch = json.asJson(Map.of("metadata", Map.of("resourceVersion", resourceVersion),
                "status", Map.of("loadBalancer", Map.of("ingress", ingress))));
        return call(() -> {
            Service patched = service(service).subresource("status").patch(MERGE, patch);
            return patched == null ? resourceVersion : patched.getMetadata().getResourceVersion();
        }, resourceVersion);
    }

    /**
     * Sets the label naming the Eip the addresses come from (unless they come from none) and drops the
     * finalizer OpenELB and older versions added (no other), if the Service is still at
     * {@code resourceVersion} (409 Conflict otherwise); completes with its new one. No finalizer is added:
     * the status is the truth a controller rebuilds from, so a Service deleted while none runs loses
     * nothing, and an uninstalled controller leaves nothing that blocks deleting a Service or namespace.
     */
    Future<String> claim(ServiceKey service, String pool, String resourceVersion) {
        Map<String, Object> metadata = new HashMap<>(Map.of("resourceVersion", resourceVersion,
                "$deleteFromPrimitiveList/finalizers", List.of(Annotations.FINALIZER)));
        if (!pool.isEmpty()) {
            metadata.put("labels", Map.of(Annotations.POOL, pool));
        }
        String patch = json.asJson(Map.of("metadata", metadata));
        return call(() -> {
            Service patched = service(service).patch(STRATEGIC, patch);
            return patched == null ? resourceVersion : patched.getMetadata().getResourceVersion();
        }, resourceVersion);
    }

    /**
     * Every Service as the API server has it now (a consistent read, not a cache that may lag): what a
     * new leader rebuilds its allocator from.
     */
    Future<ServiceList> services() {
        return vertx.executeBlocking(() -> client.services().inAnyNamespace().list(), false);
    }

    /** Whether the Service exists, as the API server has it now (a read: allowed to a replica not leading). */
    Future<Boolean> exists(ServiceKey key) {
        return vertx.executeBlocking(() -> writes.services().inNamespace(key.namespace()).withName(key.name()).get()
                != null, false);
    }

    /** Removes the Eip label and OpenELB's finalizer (only that one). */
    Future<Void> unclaim(ServiceKey service) {
        String patch = json.asJson(Map.of("metadata", Map.of(
                "$deleteFromPrimitiveList/finalizers", List.of(Annotations.FINALIZER),
                "labels", Collections.singletonMap(Annotations.POOL, null))));
        return run(() -> service(service).patch(STRATEGIC, patch));
    }

    /** Replaces the whole status of an Eip (a merge patch would keep addresses released since). */
    Future<Void> eipStatus(String eip, EipStatus status) {
        String patch = json.asJson(List.of(Map.of("op", "add", "path", "/status", "value", status)));
        return run(() -> writes.resources(Eip.class).resource(Named.of(Eip::new, null, eip)).subresource("status")
                .patch(JSON, patch));
    }

    /**
     * Sets the conditions of a BgpAdvertisement's status to {@code valid} alone (a merge patch replaces the list;
     * the controller is the only writer of this status).
     */
    Future<Void> bgpAdvertisementValid(String name, Condition valid) {
        String patch = json.asJson(Map.of("status", Map.of("conditions", List.of(valid))));
        return run(() -> writes.resources(BgpAdvertisement.class)
                .resource(Named.of(BgpAdvertisement::new, null, name)).subresource("status").patch(MERGE, patch));
    }

    /** The Service to patch, without a GET first ({@link Named}). */
    private Resource<Service> service(ServiceKey key) {
        return writes.services().inNamespace(key.namespace())
                .resource(Named.of(Service::new, key.namespace(), key.name()));
    }

    /** Records a core/v1 Event about an object, as {@code kubectl describe} shows them. */
    Future<Void> event(ObjectReference about, String type, String reason, String message) {
        String namespace = about.getNamespace() == null ? "default" : about.getNamespace();
        var event = KubeEvents.of(about, namespace, type, reason, message, "openelb-controller",
                System.getProperty("openelb.instance", "openelb-controller"), null);
        return run(() -> writes.v1().events().inNamespace(namespace).resource(event).create());
    }

    private Future<Void> run(Callable<?> write) {
        return call(() -> {
            write.call();
            return null;
        }, null);
    }

    /** The write's result, or {@code gone} on a 404; refused unless this replica surely still leads. */
    private <T> Future<T> call(Callable<T> call, T gone) {
        return vertx.executeBlocking(() -> {
            if (!leading.getAsBoolean()) {
                throw new IllegalStateException("not written: the Lease was not renewed in time");
            }
            try {
                return call.call();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
                return gone;
            }
        }, false);
    }
}
