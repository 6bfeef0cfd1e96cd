package io.openelb.api.v1alpha2;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** A BGP neighbour (router) and which nodes' speakers peer with it. Cluster-scoped. */
@Group(Eip.GROUP)
@Version(Eip.VERSION)
@Plural("bgppeers")
public class BgpPeer extends CustomResource<BgpPeerSpec, BgpPeerStatus> {}
