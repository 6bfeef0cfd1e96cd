package io.openelb.controller;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.openelb.api.Annotations;
import io.openelb.ipam.AllocationRequest;
import io.openelb.ipam.FamilyPolicy;
import io.openelb.ipam.ServiceKey;
import io.openelb.ipam.ServicePort;
import io.openelb.model.InvalidAddressException;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.model.ServiceModel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads what the allocator needs from a Service: whether it is ours, and what it asks for. */
final class ServiceRequests {
    private final String loadBalancerClass;
    private final boolean allocateUnclassed;

    ServiceRequests(String loadBalancerClass, boolean allocateUnclassed) {
        this.loadBalancerClass = loadBalancerClass;
        this.allocateUnclassed = allocateUnclassed;
    }

    static ServiceKey key(ServiceModel service) {
        return new ServiceKey(service.namespace(), service.name());
    }

    /** A LoadBalancer Service of our class, or annotated for OpenELB without another class. */
    boolean isManaged(ServiceModel service) {
        if (!service.loadBalancer()) {
            return false;
        }
        if (service.loadBalancerClass() != null) {
            return service.loadBalancerClass().equals(loadBalancerClass);
        }
        return Annotations.LOAD_BALANCER_OPENELB.equals(service.annotation(Annotations.LOAD_BALANCER).orElse(null))
                || allocateUnclassed;
    }

    /**
     * The Service's request.
     *
     * @throws InvalidAddressException when a requested address is not an IP literal
     */
    static AllocationRequest request(ServiceModel service, Map<String, String> namespaceLabels) {
        String pool = pool(service);
        List<IpAddress> requested = new ArrayList<>();
        String requestedText = service.annotation(Annotations.REQUESTED_ADDRESS).orElse(null);
        if (requestedText == null || requestedText.isBlank()) {
            requestedText = service.loadBalancerIp();
        }
        if (requestedText != null && !requestedText.isBlank()) {
            for (String part : requestedText.split(",")) {
                requested.add(IpAddress.parse(part.trim()));
            }
        }
        List<IpFamily> families = service.ipFamilies();
        if (families.isEmpty() && !requested.isEmpty()) {
            families = List.of(requested.get(0).family());
        }
        FamilyPolicy policy = switch (service.ipFamilyPolicy()) {
            case "PreferDualStack" -> FamilyPolicy.PREFER_DUAL_STACK;
            case "RequireDualStack" -> FamilyPolicy.REQUIRE_DUAL_STACK;
            default -> FamilyPolicy.SINGLE_STACK;
        };
        return new AllocationRequest(key(service), pool, requested, families, policy, ports(service),
                sharingKey(service), namespaceLabels);
    }

    /** The Eip the Service names by annotation, "" for none. */
    static String pool(ServiceModel service) {
        return service.annotation(Annotations.POOL).orElse("").trim();
    }

    static Set<ServicePort> ports(ServiceModel service) {
        return service.ports().stream().map(p -> new ServicePort(p.protocol(), p.port())).collect(Collectors.toSet());
    }

    static String sharingKey(ServiceModel service) {
        return service.annotation(Annotations.SHARING_KEY).orElse("").trim();
    }

    static List<String> texts(Collection<IpAddress> addresses) {
        return addresses.stream().map(IpAddress::toString).toList();
    }

    /** The Service as an Event's involved object. */
    static ObjectReference reference(ServiceModel service) {
        return new ObjectReferenceBuilder().withApiVersion("v1").withKind("Service")
                .withNamespace(service.namespace()).withName(service.name())
                .withUid(service.uid()).withResourceVersion(service.resourceVersion())
                .build();
    }
}
