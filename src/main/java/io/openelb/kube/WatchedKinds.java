package io.openelb.kube;

import io.openelb.cluster.ResourceKind;
import io.openelb.config.Role;
import java.util.EnumSet;
import java.util.Set;

/** Which kinds each role watches: only what it needs, so RBAC can grant only that. */
public final class WatchedKinds {
    /** BgpAdvertisements and BgpConfs (the community aliases) for the advertisements' condition {@code Valid}. */
    private static final Set<ResourceKind> CONTROLLER = EnumSet.of(ResourceKind.SERVICE, ResourceKind.NAMESPACE,
            ResourceKind.EIP, ResourceKind.BGP_ADVERTISEMENT, ResourceKind.BGP_CONF);
    private static final Set<ResourceKind> SPEAKER = EnumSet.of(
            ResourceKind.SERVICE,
            ResourceKind.ENDPOINT_SLICE,
            ResourceKind.NODE,
            ResourceKind.EIP,
            ResourceKind.BGP_CONF,
            ResourceKind.BGP_PEER,
            ResourceKind.BGP_ADVERTISEMENT,
            ResourceKind.SECRET);

    private WatchedKinds() {}

    public static Set<ResourceKind> of(Role role) {
        Set<ResourceKind> kinds = EnumSet.noneOf(ResourceKind.class);
        if (role.runsController()) {
            kinds.addAll(CONTROLLER);
        }
        if (role.runsSpeaker()) {
            kinds.addAll(SPEAKER);
        }
        return kinds;
    }
}
