package io.openelb.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressRangeTest {

    @ParameterizedTest
    @CsvSource({
        "192.0.2.10,                IPV4, 192.0.2.10,  192.0.2.10,  1",
        "192.0.2.0/24,              IPV4, 192.0.2.0,   192.0.2.255, 256",
        "192.0.2.7/30,              IPV4, 192.0.2.4,   192.0.2.7,   4",
        "192.0.2.10-192.0.2.20,     IPV4, 192.0.2.10,  192.0.2.20,  11",
        "0.0.0.0/0,                 IPV4, 0.0.0.0,     255.255.255.255, 4294967296",
        "2001:db8::1,               IPV6, 2001:db8::1, 2001:db8::1, 1",
        "2001:DB8::/120,            IPV6, 2001:db8::,  2001:db8::ff, 256",
        "2001:db8::/64,             IPV6, 2001:db8::,  2001:db8::ffff:ffff:ffff:ffff, 18446744073709551616",
        "2001:db8::a-2001:db8::f,   IPV6, 2001:db8::a, 2001:db8::f, 6",
    })
    void parsesEveryOpenElbForm(String text, IpFamily family, String first, String last, String size) {
        AddressRange range = AddressRange.parse(text);

        assertThat(range.family()).isEqualTo(family);
        assertThat(range.first()).hasToString(first);
        assertThat(range.last()).hasToString(last);
        assertThat(range.size()).isEqualTo(new BigInteger(size));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                          | address is empty",
        "192.0.2                     | '192.0.2' is not an IPv4 or IPv6 address",
        "192.0.2.256                 | is not an IPv4 or IPv6 address",
        "192.0.2.0/33                | prefix length /33 is out of range for IPV4",
        "2001:db8::/129              | prefix length /129 is out of range for IPV6",
        "192.0.2.0/x                 | has no valid prefix length",
        "192.0.2.20-192.0.2.10       | ends before it starts",
        "192.0.2.1-2001:db8::1       | mixes IPv4 and IPv6",
        "192.0.2.1-192.0.2.x         | in '192.0.2.1-192.0.2.x': '192.0.2.x' is not an IPv4 or IPv6 address",
        "2001:db8:::1                | is not an IPv4 or IPv6 address",
        "example.com                 | is not an IPv4 or IPv6 address",
        "::ffff:192.0.2.1            | IPv4-mapped IPv6 address",
    })
    void rejectsWithAMessageNamingTheProblem(String text, String message) {
        assertThatThrownBy(() -> AddressRange.parse(text))
                .isInstanceOf(InvalidAddressException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource({
        "192.0.2.0/24,           192.0.2.255-192.0.3.1, true",
        "192.0.2.0/24,           192.0.3.0/24,          false",
        "2001:db8::/120,         2001:db8::ff,          true",
        "2001:db8::/120,         2001:db8::100,         false",
        "0.0.0.0/0,              ::/0,                  false",
    })
    void overlapsOnlyWithinOneFamily(String a, String b, boolean overlaps) {
        assertThat(AddressRange.parse(a).overlaps(AddressRange.parse(b))).isEqualTo(overlaps);
        assertThat(AddressRange.parse(b).overlaps(AddressRange.parse(a))).isEqualTo(overlaps);
    }

    @ParameterizedTest
    @CsvSource({"192.0.2.0/24, true", "192.0.2.0/30, true", "192.0.2.0/31, false", "192.0.2.0-192.0.2.255, false",
        "2001:db8::/120, false"})
    void onlyIpv4CidrsOfFourOrMoreAddressesHaveNetworkAndBroadcast(String text, boolean has) {
        assertThat(AddressRange.parse(text).hasNetworkAndBroadcast()).isEqualTo(has);
    }
}
