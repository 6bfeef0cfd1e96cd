package io.openelb.api.v1alpha2;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** An IP pool: the addresses LoadBalancer Services get, and how they are announced. Cluster-scoped. */
@Group(Eip.GROUP)
@Version(Eip.VERSION)
@Plural("eips")
public class Eip extends CustomResource<EipSpec, EipStatus> {
    public static final String GROUP = "network.kubesphere.io";
    public static final String VERSION = "v1alpha2";
}
