package io.openelb.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoolSetTest {

    private static EipDefinition eip(String name, long createdAt, String address) {
        return new EipDefinition(name, createdAt, address, "bgp", "", false, 0, List.of(), Map.of(), false, false);
    }

    private static EipDefinition defaultEip(String name, long createdAt, String address) {
        return new EipDefinition(name, createdAt, address, "", "", false, 0, List.of(), Map.of(), true, false);
    }

    @ParameterizedTest
    @CsvSource({
        "192.0.2.0/24,  192.0.2.128-192.0.2.130",
        "2001:db8::/64, 2001:db8::ff",
    })
    void ofTwoOverlappingEipsTheOlderStaysValid(String older, String newer) {
        PoolSet set = PoolSet.of(List.of(eip("new", 2, newer), eip("old", 1, older)));

        assertThat(set.pools()).extracting(Pool::name).containsExactly("old");
        assertThat(set.invalid().get("new")).contains("overlaps Eip old");
    }

    @Test
    void badAddressAndMissingInterfaceAreReported() {
        PoolSet set = PoolSet.of(List.of(
                eip("bad", 1, "192.0.2.0/33"),
                new EipDefinition("l2", 2, "192.0.2.1", "layer2", "", false, 0, List.of(), Map.of(), false, false),
                new EipDefinition("proto", 3, "192.0.2.2", "ospf", "", false, 0, List.of(), Map.of(), false, false)));

        assertThat(set.pools()).isEmpty();
        assertThat(set.invalid()).containsEntry("bad", "prefix length /33 is out of range for IPV4 in '192.0.2.0/33'")
                .containsEntry("l2", "spec.interface is required when spec.protocol is layer2")
                .containsEntry("proto", "protocol 'ospf' is not one of bgp, layer2, vip");
    }

    @Test
    void oneDefaultPerFamily() {
        PoolSet set = PoolSet.of(List.of(
                defaultEip("v4", 1, "192.0.2.0/28"),
                defaultEip("v6", 2, "2001:db8::/120"),
                defaultEip("v4-again", 3, "198.51.100.0/28")));

        assertThat(set.pools()).extracting(Pool::name).containsExactly("v4", "v6");
        assertThat(set.invalid().get("v4-again")).contains("Eip v4 is already the default IPV4 pool");
    }

    @Test
    void vipIsItsOwnProtocolAndNetworkAddressesAreAvoidedUnlessAllowed() {
        PoolSet set = PoolSet.of(List.of(
                new EipDefinition("vip", 1, "192.0.2.0/24", "vip", "eth0", false, 0, List.of(), Map.of(), false, false),
                new EipDefinition("all", 2, "198.51.100.0/24", "bgp", "", false, 0, List.of(), Map.of(), false, true)));

        assertThat(set.pool("vip").orElseThrow().protocol()).isEqualTo(Protocol.VIP);
        assertThat(set.pool("vip").orElseThrow().firstUsable()).hasToString("192.0.2.1");
        assertThat(set.pool("all").orElseThrow().firstUsable()).hasToString("198.51.100.0");
    }
}
