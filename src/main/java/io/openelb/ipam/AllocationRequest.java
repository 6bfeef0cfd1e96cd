package io.openelb.ipam;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a Service asks the allocator for, read from its spec and annotations.
 *
 * @param pool              Eip named by annotation, or empty to let the allocator choose
 * @param requested         addresses asked for (annotation or {@code spec.loadBalancerIP}), at most one per
 *                          family
 * @param families          {@code spec.ipFamilies}, in order; empty means IPv4
 * @param sharingKey        Services with the same non-empty key may share an address if no port collides
 * @param namespaceLabels   labels of the Service's namespace, for pools' namespace selectors
 */
public record AllocationRequest(
        ServiceKey service,
        String pool,
        List<IpAddress> requested,
        List<IpFamily> families,
        FamilyPolicy policy,
        Set<ServicePort> ports,
        String sharingKey,
        Map<String, String> namespaceLabels) {

    public AllocationRequest {
        requested = List.copyOf(requested);
        families = List.copyOf(families);
        ports = Set.copyOf(ports);
        namespaceLabels = Map.copyOf(namespaceLabels);
    }

    /** The families to allocate, in order: only the first for single-stack, IPv4 when none is named. */
    List<IpFamily> familiesWanted() {
        List<IpFamily> named = families.isEmpty() ? List.of(IpFamily.IPV4) : families;
        // Kubernetes lists both families for dual-stack policies on a dual-stack cluster, one otherwise.
        return policy == FamilyPolicy.SINGLE_STACK ? List.of(named.get(0)) : named.stream().distinct().toList();
    }

    /** Why the request is invalid whatever the pools hold: no family, or requested addresses that clash. */
    Optional<AllocationError> problem() {
        List<IpFamily> wanted = familiesWanted();
        if (wanted.isEmpty()) {
            return invalid("spec.ipFamilies names no family");
        }
        Set<IpFamily> seen = EnumSet.noneOf(IpFamily.class);
        for (IpAddress address : requested) {
            if (!seen.add(address.family())) {
                return invalid("more than one " + address.family() + " address requested");
            }
            if (!wanted.contains(address.family())) {
                return invalid("requested address " + address + " is " + address.family()
                        + " but the Service's families are " + wanted);
            }
        }
        return Optional.empty();
    }

    /** The requested addresses by family; only for a request without a {@link #problem()}. */
    Map<IpFamily, IpAddress> requestedByFamily() {
        return requested.stream().collect(Collectors.toMap(IpAddress::family, address -> address));
    }

    private static Optional<AllocationError> invalid(String message) {
        return Optional.of(new AllocationError(AllocationError.Reason.INVALID_REQUEST, message));
    }
}
