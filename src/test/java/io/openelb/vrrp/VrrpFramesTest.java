package io.openelb.vrrp;

import static io.openelb.vrrp.VrrpCodecTest.bytes;
import static io.openelb.vrrp.VrrpCodecTest.hex;
import static io.openelb.vrrp.VrrpCodecTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openelb.model.IpAddress;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Golden frames field by field, round trips, and what {@link VrrpFrames#parse} tolerates and rejects. */
class VrrpFramesTest {
    private static final byte[] MAC = bytes("02000000000a");
    private static final VrrpAdvert V4_ADVERT = new VrrpAdvert(51, 100, 100, List.of(ip("192.168.1.100")));
    private static final VrrpAdvert V6_ADVERT = new VrrpAdvert(7, 200, 100, List.of(ip("2001:db8::10")));

    /**
     * The IPv4 header checksum: the words 45c0 0020 ff70 c0a8 010a e000 0012 sum to 0x2e714; folded 0xe716;
     * complemented 0x18e9.
     */
    static final String V4_FRAME = "01005e000012" // the group's MAC (RFC 1112 6.4)
            + "02000000000a" // ours
            + "0800" // IPv4
            + "45" // version 4, IHL 5
            + "c0" // TOS: network control
            + "0020" // total length 32
            + "0000" + "0000" // identification, flags and fragment offset
            + "ff" // TTL 255
            + "70" // protocol 112
            + "18e9" // header checksum
            + "c0a8010a" // 192.168.1.10
            + "e0000012" // 224.0.0.18
            + VrrpCodecTest.V4_GOLDEN
            + "0000000000000000000000000000"; // padded to 60 bytes
    static final String V6_FRAME = "333300000012" // the group's MAC (RFC 2464 7)
            + "02000000000a" + "86dd"
            + "6c000000" // version 6, traffic class network control, flow label 0
            + "0018" // payload length 24
            + "70" // next header 112
            + "ff" // hop limit 255
            + "fe800000000000000000000000000001" // fe80::1
            + "ff020000000000000000000000000012" // ff02::12
            + VrrpCodecTest.V6_GOLDEN;

    @Test
    void buildsTheIpv4GoldenFrame() {
        assertThat(hex(VrrpFrames.advert(V4_ADVERT, ip("192.168.1.10"), MAC))).isEqualTo(V4_FRAME);
    }

    @Test
    void buildsTheIpv6GoldenFrame() {
        assertThat(hex(VrrpFrames.advert(V6_ADVERT, ip("fe80::1"), MAC))).isEqualTo(V6_FRAME);
    }

    @Test
    void parsesTheGoldenFrames() throws VrrpFormatException {
        VrrpFrames.Captured v4 = VrrpFrames.parse(bytes(V4_FRAME));
        assertThat(v4.source()).isEqualTo(ip("192.168.1.10"));
        assertThat(v4.sourceMac()).isEqualTo(MAC);
        assertThat(v4.ttl()).isEqualTo(255);
        assertThat(v4.advert()).isEqualTo(V4_ADVERT);
        VrrpFrames.Captured v6 = VrrpFrames.parse(bytes(V6_FRAME));
        assertThat(v6.source()).isEqualTo(ip("fe80::1"));
        assertThat(v6.sourceMac()).isEqualTo(MAC);
        assertThat(v6.ttl()).isEqualTo(255);
        assertThat(v6.advert()).isEqualTo(V6_ADVERT);
    }

    static Stream<Arguments> adverts() {
        return Stream.of(
                Arguments.of(new VrrpAdvert(1, 0, 1, List.of(ip("10.0.0.1"))), ip("10.0.0.2")),
                Arguments.of(new VrrpAdvert(200, 254, 4095, List.of(ip("10.0.0.1"), ip("10.0.0.5"), ip("10.9.9.9"),
                        ip("172.16.0.1"), ip("192.0.2.200"))), ip("10.0.0.3")),
                Arguments.of(new VrrpAdvert(42, 150, 300, List.of(ip("2001:db8::1"), ip("fd00::2"))), ip("fe80::2")));
    }

    @ParameterizedTest
    @MethodSource("adverts")
    void roundTrips(VrrpAdvert advert, IpAddress source) throws VrrpFormatException {
        byte[] frame = VrrpFrames.advert(advert, source, MAC);
        VrrpFrames.Captured captured = VrrpFrames.parse(frame);
        assertThat(captured.advert()).isEqualTo(advert);
        assertThat(captured.source()).isEqualTo(source);
        assertThat(captured.sourceMac()).isEqualTo(MAC);
        assertThat(captured.ttl()).isEqualTo(255);
    }

    @Test
    void parsesAFrameWithOneVlanTag() throws VrrpFormatException {
        byte[] plain = bytes(V6_FRAME);
        byte[] tagged = new byte[plain.length + 4];
        System.arraycopy(plain, 0, tagged, 0, 12);
        System.arraycopy(bytes("81000064"), 0, tagged, 12, 4); // 802.1Q, VLAN 100
        System.arraycopy(plain, 12, tagged, 16, plain.length - 12);
        assertThat(VrrpFrames.parse(tagged).advert()).isEqualTo(V6_ADVERT);
    }

    @Test
    void skipsIpv4Options() throws VrrpFormatException {
        byte[] plain = bytes(V4_FRAME);
        byte[] f = new byte[plain.length + 4];
        System.arraycopy(plain, 0, f, 0, 34);
        System.arraycopy(bytes("94040000"), 0, f, 34, 4); // Router Alert (RFC 2113)
        System.arraycopy(plain, 34, f, 38, plain.length - 34);
        f[14] = 0x46; // IHL 6
        f[17] = 0x24; // total length 36
        setIpv4HeaderChecksum(f, 24);
        assertThat(VrrpFrames.parse(f).advert()).isEqualTo(V4_ADVERT);
    }

    @Test
    void returnsTheTtlWithoutJudgingIt() throws VrrpFormatException {
        byte[] f = bytes(V4_FRAME);
        f[22] = 64;
        setIpv4HeaderChecksum(f, 20);
        assertThat(VrrpFrames.parse(f).ttl()).isEqualTo(64);
        byte[] g = bytes(V6_FRAME);
        g[21] = 1;
        assertThat(VrrpFrames.parse(g).ttl()).isEqualTo(1);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(V4_FRAME.substring(0, 26), "truncated Ethernet frame: 13 bytes"),
                Arguments.of(V4_FRAME.substring(0, 24) + "0806" + V4_FRAME.substring(28),
                        "ethertype 0x0806 is neither IPv4 nor IPv6"),
                Arguments.of(V4_FRAME.substring(0, 60), "truncated IPv4 header: 16 bytes"),
                Arguments.of(V6_FRAME.substring(0, 100), "truncated IPv6 header: 36 bytes"),
                Arguments.of(V4_FRAME.substring(0, 32) + "0050" + V4_FRAME.substring(36), "total length 80"),
                Arguments.of(V4_FRAME.substring(0, 48) + "ff71" + V4_FRAME.substring(52), "IPv4 header checksum"),
                Arguments.of(V6_FRAME.substring(0, 36) + "0040" + V6_FRAME.substring(40), "IPv6 payload length 64"),
                Arguments.of(V6_FRAME.substring(0, 40) + "00" + V6_FRAME.substring(42),
                        "next header 0 is not VRRP (112); extension headers are not supported"),
                Arguments.of(V6_FRAME.substring(0, 104) + "0001" + V6_FRAME.substring(108),
                        "destination ff02::1 is not the VRRP group ff02::12"),
                Arguments.of(V6_FRAME.substring(0, 28) + "4" + V6_FRAME.substring(29), "IP version 4 in an IPv6 frame"),
                Arguments.of(V6_FRAME.substring(0, 120) + "0000" + V6_FRAME.substring(124),
                        "checksum 0x0000 wrong, expected 0xdaaa"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void rejectsWithTheFailedCheck(String hex, String message) {
        assertThatThrownBy(() -> VrrpFrames.parse(bytes(hex)))
                .isInstanceOf(VrrpFormatException.class).hasMessageContaining(message);
    }

    /** IPv4 header changes that need a valid header checksum to reach the check they are about. */
    static Stream<Arguments> malformedIpv4Headers() {
        return Stream.of(
                Arguments.of(23, (byte) 17, "IP protocol 17 is not VRRP (112)"),
                Arguments.of(33, (byte) 19, "destination 224.0.0.19 is not the VRRP group 224.0.0.18"),
                Arguments.of(20, (byte) 0x20, "a fragment"),
                Arguments.of(21, (byte) 0x08, "a fragment"),
                Arguments.of(14, (byte) 0x44, "IPv4 header length 16"));
    }

    @ParameterizedTest
    @MethodSource("malformedIpv4Headers")
    void rejectsIpv4Headers(int offset, byte value, String message) {
        byte[] f = bytes(V4_FRAME);
        f[offset] = value;
        setIpv4HeaderChecksum(f, 20);
        assertThatThrownBy(() -> VrrpFrames.parse(f))
                .isInstanceOf(VrrpFormatException.class).hasMessageContaining(message);
    }

    @Test
    void sendsToTheGroupOfItsFamily() {
        byte[] v4 = VrrpFrames.advert(V4_ADVERT, ip("192.168.1.10"), MAC);
        assertThat(Arrays.copyOfRange(v4, 30, 34)).isEqualTo(ip("224.0.0.18").toBytes());
        byte[] v6 = VrrpFrames.advert(V6_ADVERT, ip("fe80::1"), MAC);
        assertThat(Arrays.copyOfRange(v6, 38, 54)).isEqualTo(ip("ff02::12").toBytes());
        assertThatThrownBy(() -> VrrpFrames.advert(V4_ADVERT, ip("192.168.1.10"), new byte[5]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void setIpv4HeaderChecksum(byte[] f, int length) {
        f[24] = 0;
        f[25] = 0;
        int checksum = VrrpFrames.headerChecksum(f, 14, length);
        f[24] = (byte) (checksum >> 8);
        f[25] = (byte) checksum;
    }
}
