package io.openelb.ui;

import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.BgpPeerStatus.NodePeerStatus;
import io.openelb.ui.view.AddressCell;
import io.openelb.ui.view.ChangePreview;
import io.openelb.ui.view.EipInput;
import io.openelb.ui.view.PoolMap;
import io.openelb.ui.view.ServiceInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The JSON shapes of {@code docs/ui.md}: Pool, Service, Peer and ChangePreview. Pure: no client. */
final class OverviewJson {
    /** What an Eip without {@code spec.protocol} is served by. */
    static final String DEFAULT_PROTOCOL = "bgp";

    private OverviewJson() {}

    /** The protocol an Eip's addresses are served by: as written, BGP when not. */
    static String protocol(EipInput eip) {
        return eip.protocol().isEmpty() ? DEFAULT_PROTOCOL : eip.protocol();
    }

    /** A pool: the Eip's spec as the form edits it, the controller's verdict, and its address map. */
    static JsonObject pool(EipInput eip, String resourceVersion, Long generation, PoolMap map) {
        return new JsonObject()
                .put("name", eip.name())
                .put("address", eip.address())
                .put("protocol", protocol(eip))
                .put("interface", eip.iface())
                .put("disabled", eip.disabled())
                .put("priority", eip.priority())
                .put("namespaces", new JsonArray(eip.namespaces()))
                .put("namespaceSelector", new JsonObject(new TreeMap<String, Object>(eip.namespaceSelector())))
                .put("isDefault", eip.isDefault())
                .put("allowNetworkAndBroadcast", eip.allowNetworkAndBroadcast())
                .put("resourceVersion", resourceVersion)
                .put("generation", generation)
                .put("invalid", eip.invalid())
                .put("family", map.family())
                .put("size", map.size().toString())
                .put("used", map.used())
                .put("free", map.free().toString())
                .put("complete", map.complete())
                .put("cells", cells(map.cells()))
                .put("services", new JsonArray(map.services()));
    }

    private static JsonArray cells(List<AddressCell> cells) {
        JsonArray out = new JsonArray();
        for (AddressCell cell : cells) {
            out.add(new JsonObject().put("ip", cell.ip()).put("state", cell.state().name().toLowerCase(Locale.ROOT))
                    .put("services", new JsonArray(cell.services())));
        }
        return out;
    }

    /**
     * A Service.
     *
     * @param protocol its pool's protocol, null when its pool is unknown
     * @param holders  the nodes serving its addresses
     */
    static JsonObject service(ServiceInput service, String protocol, List<String> holders) {
        return new JsonObject()
                .put("namespace", service.namespace())
                .put("name", service.name())
                .put("pool", service.pool())
                .put("addresses", new JsonArray(service.addresses()))
                .put("requested", new JsonArray(service.requested()))
                .put("protocol", protocol)
                .put("holders", new JsonArray(holders));
    }

    /** A BgpPeer and each node's session from {@code status.nodesPeerStatus}, by node name. */
    static JsonObject peer(BgpPeer peer) {
        var conf = peer.getSpec() == null ? null : peer.getSpec().conf;
        JsonArray nodes = new JsonArray();
        Map<String, NodePeerStatus> statuses = peer.getStatus() == null || peer.getStatus().nodesPeerStatus == null
                ? Map.of() : new TreeMap<>(peer.getStatus().nodesPeerStatus);
        statuses.forEach((node, status) -> nodes.add(session(node, status)));
        return new JsonObject()
                .put("name", peer.getMetadata().getName())
                .put("address", conf == null ? null : conf.neighborAddress)
                .put("peerAs", conf == null ? null : conf.peerAs)
                .put("nodes", nodes);
    }

    /** One node's session: its state as the speaker writes it, since it came up (or went down). */
    private static JsonObject session(String node, NodePeerStatus status) {
        String state = status == null || status.peerState == null ? null : status.peerState.sessionState;
        String since = null;
        if (status != null && status.timersState != null) {
            since = "ESTABLISHED".equalsIgnoreCase(state) ? status.timersState.uptime : status.timersState.downtime;
        }
        return new JsonObject().put("node", node).put("state", state).put("since", since);
    }

    static JsonObject preview(ChangePreview preview) {
        JsonArray lose = new JsonArray();
        preview.lose().forEach(l -> lose.add(new JsonObject().put("service", l.service()).put("reason", l.reason())));
        return new JsonObject()
                .put("keep", new JsonArray(preview.keep()))
                .put("lose", lose)
                .put("refused", preview.refused());
    }
}
