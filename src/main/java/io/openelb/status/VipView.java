package io.openelb.status;

import java.util.List;

/**
 * What this process's VIP mode runs now, for the status endpoint and the web page: one entry per VRRP
 * virtual router (a VIP group of Services, or the kube-apiserver VIP). Immutable; replaced whole.
 *
 * @param problem why nothing runs (e.g. an interface is missing), "" otherwise
 */
public record VipView(String node, String problem, List<Instance> instances) {
    public static final VipView EMPTY = new VipView("", "", List.of());

    public VipView {
        instances = List.copyOf(instances);
    }

    /**
     * One virtual router as this node sees it.
     *
     * @param name      the group's key ({@code namespace/name}) or the apiserver VIP's name
     * @param family    {@code ipv4} or {@code ipv6}: the family the VRRP advertisements carry
     * @param state     {@code initialize}, {@code backup} or {@code master}
     * @param master    the master's primary address as last heard, "" when none
     * @param priority  this node's priority; 0 when it does not compete
     * @param addresses the addresses the master configures (both families)
     * @param services  the Services of the group; empty for the apiserver VIP
     * @param health    the local kube-apiserver's health ({@code unknown}, {@code healthy}, {@code unhealthy})
     *                  for the apiserver VIP; "" for Service groups
     * @param problem   "" or why this node does not compete or the group is served differently
     */
    public record Instance(String name, String iface, int vrid, String family, String state, String master,
            int priority, List<String> addresses, List<String> services, String health, String problem) {
        public Instance {
            addresses = List.copyOf(addresses);
            services = List.copyOf(services);
        }
    }
}
