package io.openelb.ui.view;

import java.util.List;

/**
 * A LoadBalancer Service as the UI needs it.
 *
 * @param pool      the Eip its addresses come from (the controller's label, else the annotation asking for
 *                  one), or empty
 * @param addresses the addresses in {@code status.loadBalancer.ingress}
 * @param requested the addresses it asks for (annotation {@code eip.openelb.kubesphere.io/v1alpha1} or
 *                  {@code spec.loadBalancerIP}), empty when none
 */
public record ServiceInput(String namespace, String name, String pool, List<String> addresses,
        List<String> requested) {

    public ServiceInput {
        addresses = List.copyOf(addresses);
        requested = List.copyOf(requested);
    }

    /** {@code namespace/name}. */
    public String key() {
        return namespace + "/" + name;
    }
}
