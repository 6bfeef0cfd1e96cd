package io.openelb.announce;

import io.openelb.model.IpAddress;
import io.openelb.model.Pool;
import io.openelb.model.Protocol;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which node answers ARP/NDP for each Layer 2 address. Every speaker computes the same owner from the
 * same inputs, without talking: rendezvous (highest random weight) hashing of node name and address over
 * the nodes that are live (in the membership view) and eligible ({@link BgpPlan#shouldAnnounce}: Ready,
 * not excluded, a ready endpoint for {@code externalTrafficPolicy: Local}) and that have the pool's
 * interface. Rendezvous hashing moves only the addresses of a node that leaves or joins.
 */
public final class Layer2Plan {
    private Layer2Plan() {}

    /**
     * One Layer 2 address and who answers for it.
     *
     * @param owner the node that answers, "" when no node is live and eligible
     * @param reason why nobody answers, "" when someone does
     */
    public record Assignment(IpAddress address, String service, String pool, String iface, String owner,
            String reason) {}

    /**
     * Owners of every address of the Services that come from Layer 2 pools.
     *
     * @param live nodes whose speaker is in the membership view
     * @param unservable per node, the pools whose interface that node lacks (as that node reported; a node
     *                   that has reported nothing yet counts as able, so a late report can leave an
     *                   address unanswered for a moment, never answered twice)
     */
    public static List<Assignment> assign(Collection<ServiceState> services, Collection<Pool> pools,
            Collection<NodeState> nodes, Set<String> live, Map<String, Set<String>> unservable) {
        List<Assignment> out = new ArrayList<>();
        for (ServiceState service : services) {
            for (IpAddress address : service.addresses()) {
                Pool pool = pools.stream()
                        .filter(p -> p.protocol() == Protocol.LAYER2 && p.range().contains(address))
                        .findFirst().orElse(null);
                if (pool == null) {
                    continue;
                }
                List<String> candidates = nodes.stream()
                        .filter(n -> live.contains(n.name()))
                        .filter(n -> BgpPlan.shouldAnnounce(n, service).isEmpty())
                        .filter(n -> !unservable.getOrDefault(n.name(), Set.of()).contains(pool.name()))
                        .map(NodeState::name)
                        .toList();
                String owner = owner(address, candidates);
                out.add(new Assignment(address, service.key(), pool.name(), pool.iface(), owner,
                        owner.isEmpty() ? noOwnerReason(service, nodes, live) : ""));
            }
        }
        out.sort(Comparator.comparing(Assignment::address));
        return out;
    }

    /** The candidate with the highest weight for this address; "" when there is none. Ties: smaller name. */
    public static String owner(IpAddress address, Collection<String> candidates) {
        String best = "";
        long bestScore = 0;
        for (String node : candidates) {
            long s = score(node, address);
            if (best.isEmpty() || Long.compareUnsigned(s, bestScore) > 0
                    || (s == bestScore && node.compareTo(best) < 0)) {
                best = node;
                bestScore = s;
            }
        }
        return best;
    }

    /**
     * Whether a node that has just become owner of an address may answer at once. Yes when the previous
     * owner (as this node computed it) has left the view, or there was none: nobody else answers. No when
     * the previous owner is still live (a join, an endpoint move): it stops when its own inputs change,
     * which may come a little later, so the new owner waits a moment to keep two answers apart.
     *
     * @param previousOwner null when this node has no previous computation (it just started)
     */
    public static boolean takesOverAtOnce(String previousOwner, String self, Set<String> live) {
        if (previousOwner == null) {
            return false;
        }
        return previousOwner.isEmpty() || previousOwner.equals(self) || !live.contains(previousOwner);
    }

    /** The rendezvous weight of a node for an address: {@link StableHash} of "node\0address". */
    static long score(String node, IpAddress address) {
        return StableHash.of(node + '\0' + address);
    }

    private static String noOwnerReason(ServiceState service, Collection<NodeState> nodes, Set<String> live) {
        if (nodes.stream().noneMatch(n -> live.contains(n.name()))) {
            return "noLiveSpeaker";
        }
        if (service.localTrafficOnly() && service.nodesWithReadyEndpoints().isEmpty()) {
            return "noLocalEndpoint";
        }
        return "noEligibleNode";
    }
}
