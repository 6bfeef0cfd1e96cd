package io.openelb.web;

import io.openelb.announce.Layer2Plan.Assignment;
import io.openelb.announce.Layer2Snapshot;
import io.openelb.model.Communities;
import io.openelb.status.AdvertisedRoute;
import io.openelb.status.AllocationView;
import io.openelb.status.BfdView;
import io.openelb.status.ClusterView;
import io.openelb.status.MessageCounts;
import io.openelb.status.NeighborView;
import io.openelb.status.PoolView;
import io.openelb.status.ServiceView;
import io.openelb.status.VipView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON of {@code /api/v1/*}: each field written out by name, so that nothing reaches a response by
 * accident (a neighbour's TCP MD5 key is not even in its view). Stable field names: the API's contract.
 */
final class StatusJson {
    private StatusJson() {}

    /** {@code /api/v1/vip}: this process's VRRP instances (Service VIP groups, or the kube-apiserver VIP). */
    static JsonObject vip(VipView view) {
        JsonArray items = new JsonArray();
        for (VipView.Instance v : view.instances()) {
            items.add(new JsonObject().put("name", v.name()).put("vrid", v.vrid()).put("family", v.family())
                    .put("interface", v.iface()).put("state", v.state()).put("master", v.master())
                    .put("priority", v.priority()).put("addresses", new JsonArray(v.addresses()))
                    .put("services", new JsonArray(v.services())).put("health", v.health())
                    .put("problem", v.problem()));
        }
        return new JsonObject().put("node", view.node()).put("problem", view.problem()).put("instances", items);
    }

    static JsonObject pools(ClusterView view) {
        JsonArray items = new JsonArray();
        for (PoolView p : view.pools()) {
            JsonArray allocations = new JsonArray();
            for (AllocationView a : p.allocations()) {
                allocations.add(new JsonObject().put("ip", a.ip()).put("services", new JsonArray(a.services())));
            }
            JsonObject pool = new JsonObject().put("name", p.name()).put("family", p.family())
                    .put("protocol", p.protocol()).put("firstIP", p.firstIp()).put("lastIP", p.lastIp())
                    .put("disabled", p.disabled()).put("size", p.size()).put("used", p.used()).put("free", p.free())
                    .put("allocations", allocations);
            if (p.invalid() != null) {
                pool.put("invalid", p.invalid());
            }
            items.add(pool);
        }
        return new JsonObject().put("computedAt", text(view.computedAt())).put("pools", items);
    }

    /** With the Layer 2 owner of each Layer 2 address where this process knows it (a speaker). */
    static JsonObject services(ClusterView view, Optional<Layer2Snapshot> layer2) {
        Map<String, Assignment> layer2Addresses = new HashMap<>();
        layer2.ifPresent(l2 -> l2.addresses().forEach(a -> layer2Addresses.put(a.address().toString(), a)));
        JsonArray items = new JsonArray();
        for (ServiceView s : view.services()) {
            JsonObject service = new JsonObject().put("service", s.service()).put("ip", s.ip()).put("pool", s.pool())
                    .put("protocols", new JsonArray(s.protocols()));
            Assignment l2 = layer2Addresses.get(s.ip());
            if (l2 != null) {
                service.put("layer2Owner", l2.owner());
                if (!l2.reason().isEmpty()) {
                    service.put("layer2Unanswered", l2.reason());
                }
            } else if (s.announcingNodes() != null) {
                service.put("announcingNodes", new JsonArray(s.announcingNodes()));
            }
            items.add(service);
        }
        return new JsonObject().put("computedAt", text(view.computedAt())).put("services", items);
    }

    /** Each neighbour, with its {@code bfd} object when its BgpPeer enables BFD (none otherwise). */
    static JsonObject neighbors(List<NeighborView> views, Instant now) {
        JsonArray items = new JsonArray();
        for (NeighborView n : views) {
            JsonObject neighbor = new JsonObject().put("peer", n.peer()).put("address", n.address())
                    .put("port", n.port()).put("localAs", n.localAs()).put("peerAs", n.peerAs()).put("state", n.state())
                    .put("establishedAt", text(n.establishedAt()))
                    .put("uptimeSeconds", n.establishedAt() == null ? null
                            : Math.max(0, Duration.between(n.establishedAt(), now).toSeconds()))
                    .put("downSince", text(n.downSince()))
                    .put("messages", new JsonObject().put("sent", counts(n.sent())).put("received", counts(n.received())))
                    .put("advertisedPrefixes", n.advertisedPrefixes()).put("pendingPrefixes", n.pendingPrefixes())
                    .put("lastError", n.lastError());
            if (n.bfd() != null) {
                neighbor.put("bfd", bfd(n.bfd()));
            }
            items.add(neighbor);
        }
        return new JsonObject().put("neighbors", items);
    }

    /**
     * A neighbour's Adj-RIB-Out: each path as sent, with the policy's attributes (standard communities as
     * users write them, well-known ones by name; {@code localPref} and {@code med} null when not sent).
     */
    static JsonObject routes(NeighborView n) {
        JsonArray items = new JsonArray();
        n.detail().adjRibOut().stream().sorted(Comparator.comparing(AdvertisedRoute::address)
                .thenComparingInt(AdvertisedRoute::length).thenComparingLong(AdvertisedRoute::pathId).thenComparing(AdvertisedRoute::nextHop))
                .forEach(r -> items.add(route(r)));
        return new JsonObject().put("peer", n.peer()).put("address", n.address()).put("routes", items);
    }

    private static JsonObject route(AdvertisedRoute r) {
        Communities communities = r.communities();
        return new JsonObject().put("prefix", r.prefix())
                .put("pathId", r.pathId()).put("nextHop", r.nextHop().toString()).put("since", text(r.since()))
                .put("communities", new JsonArray(communities.standard().stream().map(Communities::format).toList()))
                .put("largeCommunities", new JsonArray(communities.large().stream()
                        .map(l -> l.global() + ":" + l.local1() + ":" + l.local2()).toList()))
                .put("localPref", r.localPref()).put("med", r.med());
    }

    private static JsonObject bfd(BfdView b) {
        return new JsonObject().put("state", b.state()).put("diagnostic", b.diagnostic())
                .put("detectionTimeMs", b.detectionTimeMs()).put("transmitIntervalMs", b.transmitIntervalMs())
                .put("receiveIntervalMs", b.receiveIntervalMs()).put("detectMultiplier", b.detectMultiplier())
                .put("passiveMode", b.passiveMode());
    }

    /** This node's Layer 2 half: the addresses it answers for (with the interface), and every owner. */
    static JsonObject layer2(Layer2Snapshot l2) {
        JsonArray owned = new JsonArray();
        JsonArray addresses = new JsonArray();
        for (Assignment a : l2.addresses()) {
            JsonObject address = new JsonObject().put("ip", a.address().toString()).put("service", a.service())
                    .put("pool", a.pool()).put("owner", a.owner()).put("reason", a.reason());
            addresses.add(address);
            if (a.owner().equals(l2.node())) {
                owned.add(new JsonObject().put("ip", a.address().toString()).put("service", a.service())
                        .put("pool", a.pool()).put("interface", l2.interfaces().getOrDefault(a.pool(), "")));
            }
        }
        JsonObject interfaces = new JsonObject();
        l2.interfaces().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> interfaces.put(e.getKey(), e.getValue()));
        return new JsonObject().put("node", l2.node()).put("problem", l2.problem())
                .put("members", new JsonArray(l2.members().stream().sorted().toList())).put("interfaces", interfaces)
                .put("owned", owned).put("addresses", addresses);
    }

    private static JsonObject counts(MessageCounts c) {
        return new JsonObject().put("total", c.total()).put("open", c.open()).put("update", c.update())
                .put("notification", c.notification()).put("keepalive", c.keepalive()).put("refresh", c.refresh());
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
