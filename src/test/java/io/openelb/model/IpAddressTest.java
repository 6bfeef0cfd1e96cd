package io.openelb.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressTest {

    @ParameterizedTest
    @CsvSource({
        "192.0.2.1,                         192.0.2.1",
        "0.0.0.0,                           0.0.0.0",
        "255.255.255.255,                   255.255.255.255",
        "2001:DB8:0:0:0:0:0:1,              2001:db8::1",
        "2001:db8:0:0:1:0:0:1,              2001:db8::1:0:0:1",
        "2001:0:0:1:0:0:0:1,                2001:0:0:1::1",
        "2001:db8:0:1:1:1:1:1,              2001:db8:0:1:1:1:1:1",
        "::,                                ::",
        "::1,                               ::1",
        "1::,                               1::",
        "fe80::1:2,                         fe80::1:2",
    })
    void printsTheCanonicalForm(String text, String canonical) {
        assertThat(IpAddress.parse(text)).hasToString(canonical);
        assertThat(IpAddress.parse(canonical)).isEqualTo(IpAddress.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"192.0.2.255, 1, 192.0.3.0", "2001:db8::ffff, 1, 2001:db8::1:0"})
    void countsOnAcrossByteBoundaries(String from, long n, String to) {
        assertThat(IpAddress.parse(from).plus(n)).hasToString(to);
    }

    @ParameterizedTest
    @CsvSource({"192.0.2.1, 2001:db8::", "192.0.2.1, 192.0.2.2", "2001:db8::1, 2001:db8::2"})
    void ordersIpv4BeforeIpv6AndByValue(String lower, String higher) {
        assertThat(IpAddress.parse(lower)).isLessThan(IpAddress.parse(higher));
    }

    @ParameterizedTest
    @CsvSource({
        "10.77.0.100,     0a4d0064",
        "255.255.255.255, ffffffff",
        "0.0.0.1,         00000001",
        "fd77::100,       fd770000000000000000000000000100",
        "ffff::,          ffff0000000000000000000000000000",
        "::1,             00000000000000000000000000000001",
    })
    void goesToWireBytesAndBack(String text, String hex) {
        byte[] bytes = IpAddress.parse(text).toBytes();

        assertThat(java.util.HexFormat.of().formatHex(bytes)).isEqualTo(hex);
        assertThat(IpAddress.ofBytes(bytes)).isEqualTo(IpAddress.parse(text));
    }
}
