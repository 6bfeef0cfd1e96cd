package io.openelb.ui;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.openelb.api.Annotations;
import io.openelb.ui.view.ServiceInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * LoadBalancer Services as the UI sees them, and the change a {@code PATCH /ui/api/services/NS/NAME} body makes
 * to one. Pure: no client.
 */
final class ServiceRows {
    static final String LOAD_BALANCER = "LoadBalancer";

    private ServiceRows() {}

    static boolean isLoadBalancer(Service service) {
        return service.getSpec() != null && LOAD_BALANCER.equals(service.getSpec().getType());
    }

    /**
     * The pool from the controller's label, else from the annotation asking for one; the addresses in
     * {@code status.loadBalancer.ingress}; the requested ones from the annotation (comma separated), else
     * {@code spec.loadBalancerIP}.
     */
    static ServiceInput input(Service service) {
        Map<String, String> labels = orEmpty(service.getMetadata().getLabels());
        Map<String, String> annotations = orEmpty(service.getMetadata().getAnnotations());
        String pool = labels.getOrDefault(Annotations.POOL, annotations.getOrDefault(Annotations.POOL, ""));
        return new ServiceInput(service.getMetadata().getNamespace(), service.getMetadata().getName(), pool.trim(),
                addresses(service), requested(service, annotations));
    }

    private static List<String> addresses(Service service) {
        List<String> out = new ArrayList<>();
        if (service.getStatus() != null && service.getStatus().getLoadBalancer() != null
                && service.getStatus().getLoadBalancer().getIngress() != null) {
            for (LoadBalancerIngress ingress : service.getStatus().getLoadBalancer().getIngress()) {
                if (ingress.getIp() != null && !ingress.getIp().isBlank()) {
                    out.add(ingress.getIp());
                }
            }
        }
        return out;
    }

    private static List<String> requested(Service service, Map<String, String> annotations) {
        String asked = annotations.get(Annotations.REQUESTED_ADDRESS);
        if (asked != null && !asked.isBlank()) {
            return Arrays.stream(asked.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
        String ip = service.getSpec() == null ? null : service.getSpec().getLoadBalancerIP();
        return ip == null || ip.isBlank() ? List.of() : List.of(ip.trim());
    }

    /**
     * The JSON merge patch for a PATCH body: {@code "pool"} sets (a name) or removes (null) the pool annotation,
     * {@code "requested"} sets (a list, comma-joined) or removes (null or empty) the requested-address
     * annotation; a key left out leaves its annotation as it is.
     *
     * @throws IllegalArgumentException when the body changes nothing or has a value of the wrong type
     */
    static JsonObject patch(JsonObject body) {
        JsonObject annotations = new JsonObject();
        if (body.containsKey("pool")) {
            String pool = EipForms.text(body, "pool");
            annotations.put(Annotations.POOL, pool.isEmpty() ? null : pool);
        }
        if (body.containsKey("requested")) {
            List<String> addresses = EipForms.strings(EipForms.typed(body, "requested", JsonArray.class, null));
            annotations.put(Annotations.REQUESTED_ADDRESS, addresses.isEmpty() ? null : String.join(",", addresses));
        }
        if (annotations.isEmpty()) {
            throw new IllegalArgumentException("nothing to change: give \"pool\" or \"requested\"");
        }
        return new JsonObject().put("metadata", new JsonObject().put("annotations", annotations));
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }
}
