package io.openelb.ipam;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
}
