package io.openelb.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openelb.model.IpAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden bytes (checksums worked out by hand from RFC 5798 5.2.8, written out below), round trips and
 * every check of {@link VrrpCodec#decode}.
 */
class VrrpCodecTest {
    private static final IpAddress V4_SOURCE = ip("192.168.1.10");
    private static final IpAddress V4_GROUP = ip("224.0.0.18");
    private static final IpAddress V6_SOURCE = ip("fe80::1");
    private static final IpAddress V6_GROUP = ip("ff02::12");

    /**
     * VRID 51, priority 100, 1 s, 192.168.1.100, from 192.168.1.10. Checksum: the words 3133 6401 0064
     * c0a8 0164 (message, checksum as 0) + c0a8 010a e000 0012 (addresses) + 0070 (protocol) + 000c
     * (length) sum to 0x2f9e4; folded 0xf9e6; complemented 0x0619.
     */
    static final String V4_GOLDEN = "31" // version 3, type 1
            + "33" // VRID 51
            + "64" // priority 100
            + "01" // one address
            + "0064" // reserved 0, Max Adver Int 100 centiseconds
            + "0619" // checksum
            + "c0a80164"; // 192.168.1.100
    /**
     * VRID 7, priority 200, 1 s, 2001:db8::10, from fe80::1. Checksum: fe80 0001 ff02 0012 (the nonzero
     * address words) + 0018 (length) + 0070 (next header) + 3107 c801 0064 2001 0db8 0010 sum to 0x32552;
     * folded 0x2555; complemented 0xdaaa.
     */
    static final String V6_GOLDEN = "31" + "07" + "c8" + "01" + "0064"
            + "daaa" // checksum
            + "20010db8000000000000000000000010"; // 2001:db8::10

    @Test
    void encodesTheIpv4GoldenBytes() {
        VrrpAdvert advert = new VrrpAdvert(51, 100, 100, List.of(ip("192.168.1.100")));
        assertThat(hex(VrrpCodec.encode(advert, V4_SOURCE, V4_GROUP))).isEqualTo(V4_GOLDEN);
    }

    @Test
    void encodesTheIpv6GoldenBytes() {
        VrrpAdvert advert = new VrrpAdvert(7, 200, 100, List.of(ip("2001:db8::10")));
        assertThat(hex(VrrpCodec.encode(advert, V6_SOURCE, V6_GROUP))).isEqualTo(V6_GOLDEN);
    }

    @Test
    void decodesTheGoldenBytes() throws VrrpFormatException {
        assertThat(VrrpCodec.decode(bytes(V4_GOLDEN), V4_SOURCE, V4_GROUP))
                .isEqualTo(new VrrpAdvert(51, 100, 100, List.of(ip("192.168.1.100"))));
        assertThat(VrrpCodec.decode(bytes(V6_GOLDEN), V6_SOURCE, V6_GROUP))
                .isEqualTo(new VrrpAdvert(7, 200, 100, List.of(ip("2001:db8::10"))));
    }

    static Stream<Arguments> adverts() {
        return Stream.of(
                Arguments.of(new VrrpAdvert(1, 0, 1, List.of(ip("10.0.0.1"))), V4_SOURCE, V4_GROUP),
                Arguments.of(new VrrpAdvert(255, 255, 4095,
                        List.of(ip("10.0.0.1"), ip("10.0.0.2"), ip("255.255.255.255"))), V4_SOURCE, V4_GROUP),
                Arguments.of(new VrrpAdvert(42, 150, 300, List.of(ip("2001:db8::1"), ip("2001:db8::ffff:1"),
                        ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))), V6_SOURCE, V6_GROUP),
                Arguments.of(new VrrpAdvert(9, 254, 50, List.of(ip("fd00::9"))), ip("2001:db8::2"), V6_GROUP));
    }

    @ParameterizedTest
    @MethodSource("adverts")
    void roundTrips(VrrpAdvert advert, IpAddress source, IpAddress destination) throws VrrpFormatException {
        byte[] message = VrrpCodec.encode(advert, source, destination);
        assertThat(message).hasSize(8 + advert.addresses().size() * (advert.family().bits() / 8));
        assertThat(VrrpCodec.decode(message, source, destination)).isEqualTo(advert);
    }

    @Test
    void checksumCoversThePseudoHeader() {
        byte[] message = bytes(V4_GOLDEN);
        assertThatThrownBy(() -> VrrpCodec.decode(message, ip("192.168.1.11"), V4_GROUP))
                .isInstanceOf(VrrpFormatException.class).hasMessageContaining("checksum");
    }

    @Test
    void reservedBitsAreIgnored() throws VrrpFormatException {
        byte[] message = bytes(V4_GOLDEN);
        message[4] |= (byte) 0xf0;
        fixChecksum(message, V4_SOURCE, V4_GROUP);
        assertThat(VrrpCodec.decode(message, V4_SOURCE, V4_GROUP).maxAdvertIntervalCentis()).isEqualTo(100);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("21" + V4_GOLDEN.substring(2), true, "version 2"),
                Arguments.of("32" + V4_GOLDEN.substring(2), true, "type 2"),
                Arguments.of(V4_GOLDEN.substring(0, 12) + "0618" + V4_GOLDEN.substring(16), false,
                        "checksum 0x0618 wrong, expected 0x0619"),
                Arguments.of(V4_GOLDEN.substring(0, 14), false, "truncated: 7 bytes"),
                Arguments.of(V4_GOLDEN.substring(0, 16), true, "length 8 does not fit 1 IPV4 addresses"),
                Arguments.of(V4_GOLDEN.substring(0, 6) + "02" + V4_GOLDEN.substring(8), true,
                        "length 12 does not fit 2 IPV4 addresses (16 bytes)"),
                Arguments.of(V4_GOLDEN + "c0a80165", true, "length 16 does not fit 1 IPV4 addresses (12 bytes)"),
                Arguments.of(V4_GOLDEN.substring(0, 6) + "00" + V4_GOLDEN.substring(8, 16), true, "count 0"),
                Arguments.of("3100" + V4_GOLDEN.substring(4), true, "VRID 0"),
                Arguments.of(V4_GOLDEN.substring(0, 8) + "f000" + V4_GOLDEN.substring(12), true,
                        "Max Advertise Interval 0"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void rejectsWithTheFailedCheck(String hex, boolean withValidChecksum, String message) {
        byte[] bytes = bytes(hex);
        if (withValidChecksum && bytes.length >= 8) {
            fixChecksum(bytes, V4_SOURCE, V4_GROUP); // so that the check named is the one that fails
        }
        assertThatThrownBy(() -> VrrpCodec.decode(bytes, V4_SOURCE, V4_GROUP))
                .isInstanceOf(VrrpFormatException.class).hasMessageContaining(message);
    }

    @Test
    void rejectsSourceAndDestinationOfDifferentFamilies() {
        assertThatThrownBy(() -> VrrpCodec.decode(bytes(V4_GOLDEN), V4_SOURCE, V6_GROUP))
                .isInstanceOf(VrrpFormatException.class)
                .hasMessage("source 192.168.1.10 and destination ff02::12 are of different families");
    }

    @Test
    void anIpv4AdvertFromAnIpv6SourceIsTheWrongLength() {
        // the family comes from the IP header: four IPv4 addresses are too short for one IPv6 address
        byte[] message = VrrpCodec.encode(new VrrpAdvert(1, 100, 100, List.of(ip("10.0.0.1"))), V4_SOURCE, V4_GROUP);
        assertThatThrownBy(() -> VrrpCodec.decode(message, V6_SOURCE, V6_GROUP))
                .isInstanceOf(VrrpFormatException.class).hasMessageContaining("does not fit 1 IPV6 addresses");
    }

    @Test
    void refusesToEncodeForAnotherFamily() {
        VrrpAdvert advert = new VrrpAdvert(1, 100, 100, List.of(ip("10.0.0.1")));
        assertThatThrownBy(() -> VrrpCodec.encode(advert, V6_SOURCE, V6_GROUP))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void advertChecksItsFields() {
        List<IpAddress> one = List.of(ip("10.0.0.1"));
        assertThatThrownBy(() -> new VrrpAdvert(0, 100, 100, one)).hasMessageContaining("VRID");
        assertThatThrownBy(() -> new VrrpAdvert(256, 100, 100, one)).hasMessageContaining("VRID");
        assertThatThrownBy(() -> new VrrpAdvert(1, 256, 100, one)).hasMessageContaining("priority");
        assertThatThrownBy(() -> new VrrpAdvert(1, -1, 100, one)).hasMessageContaining("priority");
        assertThatThrownBy(() -> new VrrpAdvert(1, 100, 0, one)).hasMessageContaining("interval");
        assertThatThrownBy(() -> new VrrpAdvert(1, 100, 4096, one)).hasMessageContaining("interval");
        assertThatThrownBy(() -> new VrrpAdvert(1, 100, 100, List.of())).hasMessageContaining("1..255 addresses");
        assertThatThrownBy(() -> new VrrpAdvert(1, 100, 100, List.of(ip("10.0.0.1"), ip("fd00::1"))))
                .hasMessageContaining("both families");
    }

    @Test
    void advertKeepsItsOwnCopyOfTheAddresses() {
        List<IpAddress> addresses = new java.util.ArrayList<>(List.of(ip("fd00::1")));
        VrrpAdvert advert = new VrrpAdvert(1, 100, 100, addresses);
        addresses.add(ip("fd00::2"));
        assertThat(advert.addresses()).containsExactly(ip("fd00::1"));
        assertThat(advert.family()).isEqualTo(io.openelb.model.IpFamily.IPV6);
    }

    private static void fixChecksum(byte[] message, IpAddress source, IpAddress destination) {
        int checksum = VrrpCodec.checksum(message, source, destination);
        message[6] = (byte) (checksum >> 8);
        message[7] = (byte) checksum;
    }

    static IpAddress ip(String text) {
        return IpAddress.parse(text);
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
