package io.openelb.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.BgpPeerSpec;
import io.openelb.api.v1alpha2.BgpPeerStatus;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipSpec;
import io.openelb.ui.view.AddressCell;
import io.openelb.ui.view.ChangePreview;
import io.openelb.ui.view.EipInput;
import io.openelb.ui.view.PoolMap;
import io.openelb.ui.view.ServiceInput;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OverviewJsonTest {
    private static final EipInput LAB = new EipInput("lab-pool", "192.0.2.0/28", "", "", false, 0, List.of(),
            Map.of(), false, false, null);

    @Test
    void aPoolIsItsSpecItsVerdictAndItsMap() {
        PoolMap map = new PoolMap("lab-pool", "IPv4", BigInteger.valueOf(14), 1, BigInteger.valueOf(13), true,
                List.of(new AddressCell("192.0.2.0", AddressCell.State.RESERVED, List.of()),
                        new AddressCell("192.0.2.1", AddressCell.State.USED, List.of("shop/web")),
                        new AddressCell("192.0.2.2", AddressCell.State.FREE, List.of())),
                List.of("shop/web"));

        assertThat(OverviewJson.pool(LAB, "1234", 3L, map)).isEqualTo(new JsonObject("""
                {"name": "lab-pool", "address": "192.0.2.0/28", "protocol": "bgp", "interface": "",
                 "disabled": false, "priority": 0, "namespaces": [], "namespaceSelector": {}, "isDefault": false,
                 "allowNetworkAndBroadcast": false, "resourceVersion": "1234", "generation": 3, "invalid": null,
                 "family": "IPv4", "size": "14", "used": 1, "free": "13", "complete": true,
                 "cells": [{"ip": "192.0.2.0", "state": "reserved", "services": []},
                           {"ip": "192.0.2.1", "state": "used", "services": ["shop/web"]},
                           {"ip": "192.0.2.2", "state": "free", "services": []}],
                 "services": ["shop/web"]}"""));
    }

    @Test
    void sizesBeyondALongAreDecimalStrings() {
        BigInteger big = BigInteger.TWO.pow(64);
        PoolMap map = new PoolMap("v6", "IPv6", big, 0, big, false, List.of(), List.of());

        JsonObject pool = OverviewJson.pool(LAB, "1", 1L, map);

        assertThat(pool.getString("size")).isEqualTo("18446744073709551616");
        assertThat(pool.getString("free")).isEqualTo("18446744073709551616");
    }

    @Test
    void aServiceWithItsPoolsProtocolAndHolders() {
        ServiceInput web = new ServiceInput("shop", "web", "lab-pool", List.of("192.0.2.1"), List.of());

        assertThat(OverviewJson.service(web, "bgp", List.of("node1"))).isEqualTo(new JsonObject("""
                {"namespace": "shop", "name": "web", "pool": "lab-pool", "addresses": ["192.0.2.1"],
                 "requested": [], "protocol": "bgp", "holders": ["node1"]}"""));
    }

    @Test
    void aPeerWithEachNodesSessionSinceItCameUpOrWentDown() {
        BgpPeer peer = new BgpPeer();
        peer.setMetadata(new ObjectMetaBuilder().withName("router").build());
        peer.setSpec(new BgpPeerSpec());
        peer.getSpec().conf = new BgpPeerSpec.PeerConf();
        peer.getSpec().conf.neighborAddress = "10.77.0.1";
        peer.getSpec().conf.peerAs = 64512L;
        peer.setStatus(new BgpPeerStatus());
        peer.getStatus().nodesPeerStatus = Map.of("node2", node("ACTIVE", null, "2026-12-05T20:01:00Z"),
                "node1", node("ESTABLISHED", "2026-12-05T20:00:00Z", null));

        assertThat(OverviewJson.peer(peer)).isEqualTo(new JsonObject("""
                {"name": "router", "address": "10.77.0.1", "peerAs": 64512,
                 "nodes": [{"node": "node1", "state": "ESTABLISHED", "since": "2026-12-05T20:00:00Z"},
                           {"node": "node2", "state": "ACTIVE", "since": "2026-12-05T20:01:00Z"}]}"""));
    }

    private static BgpPeerStatus.NodePeerStatus node(String state, String up, String down) {
        var status = new BgpPeerStatus.NodePeerStatus();
        status.peerState = new BgpPeerStatus.PeerState();
        status.peerState.sessionState = state;
        status.timersState = new BgpPeerStatus.TimersState();
        status.timersState.uptime = up;
        status.timersState.downtime = down;
        return status;
    }

    @Test
    void aPreviewListsKeptAndLostServices() {
        var preview = new ChangePreview(List.of("shop/web"),
                List.of(new ChangePreview.Loss("shop/api", "192.0.2.9 is outside 192.0.2.0/29")), null);

        assertThat(OverviewJson.preview(preview)).isEqualTo(new JsonObject("""
                {"keep": ["shop/web"], "lose": [{"service": "shop/api", "reason": "192.0.2.9 is outside 192.0.2.0/29"}],
                 "refused": null}"""));
    }

    @Test
    void theOverviewGivesEachServiceItsPoolsProtocolAndTheForbiddenKinds() {
        Eip l2 = new Eip();
        l2.setMetadata(new ObjectMetaBuilder().withName("l2").withResourceVersion("5").build());
        l2.setSpec(new EipSpec());
        l2.getSpec().address = "192.0.2.0/28";
        l2.getSpec().protocol = "layer2";
        l2.getSpec().iface = "eth0";
        var web = new ServiceInput("shop", "web", "l2", List.of("192.0.2.1"), List.of());
        var lost = new ServiceInput("shop", "lost", "gone", List.of(), List.of());
        var announced = UiEvents.onService("shop/web", "Layer2Announced", "node node1 answers", "node1",
                Instant.parse("2026-12-05T19:00:00Z"));
        StubViews views = new StubViews();

        JsonObject json = new ClusterReads(views).overview(new ClusterReads.Listed(List.of(l2), List.of(web, lost),
                List.of(), List.of(announced), List.of("bgppeers")), Instant.parse("2026-12-05T20:30:00Z"));

        assertThat(json.getJsonArray("pools")).hasSize(1);
        assertThat(json.getJsonArray("pools").getJsonObject(0).getString("protocol")).isEqualTo("layer2");
        assertThat(json.getJsonArray("pools").getJsonObject(0).getString("resourceVersion")).isEqualTo("5");
        assertThat(json.getJsonArray("services").getJsonObject(0)).isEqualTo(OverviewJson.service(lost, null, List.of()));
        assertThat(json.getJsonArray("services").getJsonObject(1))
                .isEqualTo(OverviewJson.service(web, "layer2", List.of("node1")));
        assertThat(json.getJsonArray("events")).as("older than an hour, though it names the holder").isEmpty();
        assertThat(json.getJsonArray("forbidden")).containsExactly("bgppeers");
    }
}
