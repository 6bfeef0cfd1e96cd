package io.openelb.cluster;

/** The Kubernetes kinds this program watches. */
public enum ResourceKind {
    SERVICE("services"),
    ENDPOINT_SLICE("endpointslices"),
    NODE("nodes"),
    NAMESPACE("namespaces"),
    EIP("eips"),
    BGP_CONF("bgpconfs"),
    BGP_PEER("bgppeers"),
    BGP_ADVERTISEMENT("bgpadvertisements"),
    /** Only those of the program's own namespace. */
    SECRET("secrets");

    private final String plural;

    ResourceKind(String plural) {
        this.plural = plural;
    }

    /** The resource name as in RBAC rules and metric labels, e.g. {@code endpointslices}. */
    public String plural() {
        return plural;
    }
}
