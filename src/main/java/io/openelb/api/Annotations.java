package io.openelb.api;

/** The annotations, labels and finalizer the controller reads and writes: OpenELB's names, kept. */
public final class Annotations {
    /** On a Service: {@code openelb} marks it as served by OpenELB (older than loadBalancerClass). */
    public static final String LOAD_BALANCER = "lb.kubesphere.io/v1alpha1";
    public static final String LOAD_BALANCER_OPENELB = "openelb";
    /** On a Service: the Eip to take the address from. Also the label recording the chosen Eip. */
    public static final String POOL = "eip.openelb.kubesphere.io/v1alpha2";
    /** On a Service: the address(es) asked for, comma-separated for dual stack. */
    public static final String REQUESTED_ADDRESS = "eip.openelb.kubesphere.io/v1alpha1";
    /** On a Service: Services with the same value may share an address when their ports differ. */
    public static final String SHARING_KEY = "openelb.kubesphere.io/allow-shared-ip";
    /** On an Eip: {@code "true"} makes it the default pool of its family. */
    public static final String DEFAULT_POOL = "eip.openelb.kubesphere.io/is-default-eip";
    /** On an Eip: {@code "true"} hands out the network and broadcast address of an IPv4 CIDR too. */
    public static final String ALLOW_NETWORK_AND_BROADCAST = "openelb.kubesphere.io/allow-network-and-broadcast";
    /** On a Service we hold an address for: released before the Service goes. OpenELB's name. */
    public static final String FINALIZER = "finalizer.lb.kubesphere.io/v1alpha1";

    private Annotations() {}
}
