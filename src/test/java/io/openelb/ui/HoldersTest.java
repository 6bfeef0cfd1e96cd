package io.openelb.ui;

import static io.openelb.ui.UiEvents.onService;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HoldersTest {
    private static final Instant T = Instant.parse("2026-12-05T20:00:00Z");

    @Test
    void layer2HolderIsTheNodeOfTheNewestAnnouncement() {
        Holders holders = Holders.of(List.of(
                onService("shop/web", "Layer2Announced", "node node1 answers ARP/NDP for 192.0.2.1 on eth0", "node1", T),
                onService("shop/web", "Layer2Announced", "node node2 answers ARP/NDP for 192.0.2.1 on eth0", "node2",
                        T.plusSeconds(5)),
                onService("shop/other", "Layer2Announced", "node node3 answers", "node3", T.plusSeconds(9))));

        assertThat(holders.of("shop/web", "layer2")).containsExactly("node2");
    }

    @Test
    void vipHolderWithoutSourceHostComesFromTheReportingInstanceOrTheMessage() {
        var event = onService("shop/web", "VipHeld", "node node4 holds [192.0.2.1] on eth0 (VRRP VRID 7)", null, T);
        assertThat(Holders.of(List.of(event)).of("shop/web", "vip")).containsExactly("node4");

        event.setReportingInstance("openelb-speaker-node5");
        assertThat(Holders.of(List.of(event)).of("shop/web", "vip")).containsExactly("node5");
    }

    @Test
    void bgpHoldersAreTheNodesOfTheNewestAnnouncementOfEachAddress() {
        Holders holders = Holders.of(List.of(
                onService("shop/web", "BgpAnnounced", "192.0.2.1 announced over BGP by 1 node: node1", "node1", T),
                onService("shop/web", "BgpAnnounced", "192.0.2.1 announced over BGP by 2 nodes: node2, node3",
                        "node2", T.plusSeconds(5)),
                onService("shop/web", "BgpAnnounced", "2001:db8::1 announced over BGP by 1 node: node9", "node9",
                        T.plusSeconds(1))));

        assertThat(holders.of("shop/web", "bgp")).containsExactly("node2", "node3", "node9");
    }

    @Test
    void aLongListLeavesOutTheCountOfTheRest() {
        Holders holders = Holders.of(List.of(onService("shop/web", "BgpAnnounced",
                "192.0.2.1 announced over BGP by 7 nodes: a, b, c, d, e and 2 more", "a", T)));

        assertThat(holders.of("shop/web", "bgp")).containsExactly("a", "b", "c", "d", "e");
    }

    @Test
    void aNewerWithdrawalMeansNoNodeAnnouncesTheAddress() {
        Holders holders = Holders.of(List.of(
                onService("shop/web", "BgpAnnounced", "192.0.2.1 announced over BGP by 1 node: node1", "node1", T),
                onService("shop/web", "BgpWithdrawn", "192.0.2.1 withdrawn from BGP, no node announces it any more: x",
                        "node1", T.plusSeconds(5))));

        assertThat(holders.of("shop/web", "bgp")).isEmpty();
    }

    @Test
    void theProtocolPicksTheEventsAndAnUnknownPoolHasNoHolders() {
        Holders holders = Holders.of(List.of(
                onService("shop/web", "BgpAnnounced", "192.0.2.1 announced over BGP by 1 node: node1", "node1", T)));

        assertThat(holders.of("shop/web", "layer2")).isEmpty();
        assertThat(holders.of("shop/web", null)).isEmpty();
        assertThat(holders.of("shop/nobody", "bgp")).isEmpty();
    }
}
