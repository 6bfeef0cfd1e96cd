package io.openelb.ipam;

import io.openelb.model.IpAddress;
import java.util.Set;

/**
 * One address held by one Service.
 *
 * @param pool the Eip the address belongs to, or empty when no pool contains it any more (kept: an
 *             address is never taken from a Service behind its back)
 */
public record Allocation(ServiceKey service, IpAddress address, String pool, Set<ServicePort> ports,
        String sharingKey) {

    public Allocation {
        ports = Set.copyOf(ports);
    }

    /** Whether a Service with these ports and key may hold the same address as this one. */
    boolean canShareWith(Set<ServicePort> otherPorts, String otherKey) {
        return !sharingKey.isEmpty()
                && sharingKey.equals(otherKey)
                && otherPorts.stream().noneMatch(ports::contains);
    }
}
