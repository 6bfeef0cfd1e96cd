package io.openelb.layer2.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MacAddressTest {
    @Test
    void parsesAndPrintsColonHex() {
        assertThat(MacAddress.parse("AA:bb:0C:dd:ee:01").toString()).isEqualTo("aa:bb:0c:dd:ee:01");
        assertThat(MacAddress.parse("aa:bb:0c:dd:ee:01")).isEqualTo(MacAddress.parse("AA:BB:0C:DD:EE:01"));
        assertThatThrownBy(() -> MacAddress.of(new byte[5])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isImmutable() {
        byte[] bytes = {2, 0, 0, 0, 0, 1};
        MacAddress mac = MacAddress.of(bytes);
        bytes[0] = 9;
        mac.toBytes()[1] = 9;

        assertThat(mac.toString()).isEqualTo("02:00:00:00:00:01");
    }
}
