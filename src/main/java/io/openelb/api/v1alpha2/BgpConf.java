package io.openelb.api.v1alpha2;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** Global BGP settings of the speakers. Only the object named {@code default} is used, as in OpenELB. */
@Group(Eip.GROUP)
@Version(Eip.VERSION)
@Plural("bgpconfs")
public class BgpConf extends CustomResource<BgpConfSpec, BgpConfStatus> {
    public static final String DEFAULT_NAME = "default";
}
