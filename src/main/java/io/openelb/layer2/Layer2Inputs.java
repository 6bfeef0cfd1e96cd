package io.openelb.layer2;

import io.openelb.announce.NodeState;
import io.openelb.announce.ServiceState;
import io.openelb.model.Pool;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;

/**
 * Everything the Layer 2 plan reads from the cluster, taken from one snapshot.
 *
 * @param pools        the valid {@code layer2} pools
 * @param nodes        every Node as the planner sees it
 * @param services     the Services with their addresses and endpoints; empty when {@code pools} is (a
 *                     cluster without Layer 2 pools does not pay for reading them)
 * @param internalIp   this node's InternalIP (IPv4 preferred), null when it has none
 * @param nodeIps      every node's InternalIP, this one's included (the membership's seeds)
 * @param secret       the membership secret, null when the Secret or its key is missing or not base64
 */
record Layer2Inputs(List<Pool> pools, List<NodeState> nodes, Collection<ServiceState> services, InetAddress internalIp,
        List<InetAddress> nodeIps, byte[] secret) {}
