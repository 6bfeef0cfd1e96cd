package io.openelb.announce;

import io.openelb.model.IpAddress;
import java.util.List;
import java.util.Set;

/**
 * What the planner needs of one served Service.
 *
 * @param localTrafficOnly {@code externalTrafficPolicy: Local}: only nodes with a ready endpoint announce
 * @param nodesWithReadyEndpoints nodes holding a ready endpoint of the Service (from EndpointSlices)
 */
public record ServiceState(String key, List<IpAddress> addresses, boolean localTrafficOnly,
        Set<String> nodesWithReadyEndpoints) {
    public ServiceState {
        addresses = List.copyOf(addresses);
        nodesWithReadyEndpoints = Set.copyOf(nodesWithReadyEndpoints);
    }
}
