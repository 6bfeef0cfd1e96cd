package io.openelb.api.v1alpha2;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Which BGP Eips' addresses are announced to which BgpPeers from which nodes, and with which communities,
 * LOCAL_PREF and MED (MetalLB's BGPAdvertisement, in OpenELB's group). Cluster-scoped. Not in OpenELB:
 * without any BgpAdvertisement every address goes to every peer, as in OpenELB.
 */
@Group(Eip.GROUP)
@Version(Eip.VERSION)
@Plural("bgpadvertisements")
public class BgpAdvertisement extends CustomResource<BgpAdvertisementSpec, BgpAdvertisementStatus> {}
