package io.openelb.status;

import java.util.List;

/**
 * One external address of one LoadBalancer Service.
 *
 * @param service         {@code namespace/name}
 * @param pool            the Eip containing the address, or "" when none does
 * @param protocols       the Service's port protocols (TCP, UDP, SCTP)
 * @param announcingNodes nodes announcing the address over BGP; null when this process does not know
 *                        (it does not watch Nodes and EndpointSlices: the controller)
 */
public record ServiceView(String service, String ip, String pool, List<String> protocols,
        List<String> announcingNodes) {
    public ServiceView {
        protocols = List.copyOf(protocols);
        announcingNodes = announcingNodes == null ? null : List.copyOf(announcingNodes);
    }
}
