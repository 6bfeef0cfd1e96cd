package io.openelb.controller;

import io.openelb.api.Annotations;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.openelb.ipam.AllocationRequest;
import io.openelb.ipam.FamilyPolicy;
import io.openelb.ipam.ServiceKey;
import io.openelb.model.InvalidAddressException;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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

    static ServiceKey key(Service service) {
        return new ServiceKey(service.getMetadata().getNamespace(), service.getMetadata().getName());
    }

    /** A LoadBalancer Service of our class, or annotated for OpenELB without another class. */
    boolean isManaged(Service service) {
        if (service.getSpec() == null || !"LoadBalancer".equals(service.getSpec().getType())) {
            return false;
        }
        String serviceClass = service.getSpec().getLoadBalancerClass();
        if (serviceClass != null) {
            return serviceClass.equals(loadBalancerClass);
        }
        return Annotations.LOAD_BALANCER_OPENELB.equals(annotation(service, Annotations.LOAD_BALANCER))
                || allocateUnclassed;
    }

    /**
     * The Service's request.
     *
     * @throws InvalidAddressException when a requested address is not an IP literal
     */
    static AllocationRequest request(Service service, Map<String, String> namespaceLabels) {
        String pool = Objects.requireNonNullElse(annotation(service, Annotations.POOL), "").trim();
        List<IpAddress> requested = new ArrayList<>();
        String requestedText = annotation(service, Annotations.REQUESTED_ADDRESS);
        if (requestedText == null || requestedText.isBlank()) {
            requestedText = service.getSpec().getLoadBalancerIP();
        }
        if (requestedText != null && !requestedText.isBlank()) {
            for (String part : requestedText.split(",")) {
                requested.add(IpAddress.parse(part.trim()));
            }
        }
        List<IpFamily> families = Optional.ofNullable(service.getSpec().getIpFamilies()).orElse(List.of()).stream()
                .map(f -> "IPv6".equals(f) ? IpFamily.IPV6 : IpFamily.IPV4)
                .toList();
        if (families.isEmpty() && !requested.isEmpty()) {
            families = List.of(requested.get(0).family());
        }
        FamilyPolicy policy = switch (Objects.requireNonNullElse(service.getSpec().getIpFamilyPolicy(), "")) {
            case "PreferDualStack" -> FamilyPolicy.PREFER_DUAL_STACK;
            case "RequireDualStack" -> FamilyPolicy.REQUIRE_DUAL_STACK;
            default -> FamilyPolicy.SINGLE_STACK;
        };
        return new AllocationRequest(key(service), pool, requested, families, policy, ports(service),
                sharingKey(service), namespaceLabels);
    }

    static Set<io.openelb.ipam.ServicePort> ports(Service service) {
        return Optional.ofNullable(service.getSpec().getPorts()).orElse(List.of()).stream()
                .map(ServiceRequests::port)
                .collect(Collectors.toSet());
    }

    static String sharingKey(Service service) {
        return Objects.requireNonNullElse(annotation(service, Annotations.SHARING_KEY), "").trim();
    }

    /** The IP addresses in {@code status.loadBalancer.ingress}; host names and garbage are skipped. */
    static List<IpAddress> statusAddresses(Service service) {
        if (service.getStatus() == null || service.getStatus().getLoadBalancer() == null) {
            return List.of();
        }
        List<IpAddress> addresses = new ArrayList<>();
        for (LoadBalancerIngress ingress
                : Optional.ofNullable(service.getStatus().getLoadBalancer().getIngress()).orElse(List.of())) {
            if (ingress.getIp() != null) {
                try {
                    addresses.add(IpAddress.parse(ingress.getIp()));
                } catch (InvalidAddressException e) {
                    // not an address we could have written; the next status write replaces it
                }
            }
        }
        return addresses;
    }

    static boolean hasFinalizer(Service service) {
        return service.getMetadata().getFinalizers() != null
                && service.getMetadata().getFinalizers().contains(Annotations.FINALIZER);
    }

    static List<String> texts(Collection<IpAddress> addresses) {
        return addresses.stream().map(IpAddress::toString).toList();
    }

    private static io.openelb.ipam.ServicePort port(ServicePort p) {
        return new io.openelb.ipam.ServicePort(Objects.requireNonNullElse(p.getProtocol(), "TCP"), p.getPort());
    }

    private static String annotation(Service service, String name) {
        Map<String, String> annotations = service.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(name);
    }
}
