package io.openelb.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.model.IpAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Frames keepalived 2.2.7 (Debian 12) sent in a lab namespace ({@code vrrp_version 3}, {@code advert_int 0.2}
 * and {@code 1}), captured with tcpdump: they parse to what keepalived logged, and the VRRP message this
 * project encodes for the same advertisement from the same source is byte for byte keepalived's.
 */
class VrrpKeepalivedBytesTest {
    private static final HexFormat HEX = HexFormat.of();
    /** VRID 51, priority 120, 20 cs, 10.66.0.100 and .101, from 10.66.0.1 (MAC 42:aa:88:98:56:1b). */
    private static final byte[] IPV4 = HEX.parseHex("01005e00001242aa8898561b080045c0002400010000ff70d0530a420001"
            + "e000001231337802001456930a4200640a420065");
    /** VRID 52, priority 90, 100 cs, fd66::100, from fe80::40aa:88ff:fe98:561b. */
    private static final byte[] IPV6 = HEX.parseHex("33330000001242aa8898561b86dd6c0cb3bd001870fffe80000000000000"
            + "40aa88fffe98561bff02000000000000000000000000001231345a0100645983fd66000000000000000000000000"
            + "0100");

    @Test
    void keepalivedsIpv4AdvertisementParsesAndOursEncodesTheSameMessage() throws Exception {
        VrrpFrames.Captured captured = VrrpFrames.parse(IPV4);

        assertThat(captured.source()).isEqualTo(IpAddress.parse("10.66.0.1"));
        assertThat(captured.ttl()).isEqualTo(255);
        assertThat(HEX.formatHex(captured.sourceMac())).isEqualTo("42aa8898561b");
        assertThat(captured.advert()).isEqualTo(new VrrpAdvert(51, 120, 20,
                List.of(IpAddress.parse("10.66.0.100"), IpAddress.parse("10.66.0.101"))));
        byte[] ours = VrrpCodec.encode(captured.advert(), captured.source(), VrrpFrames.GROUP_V4);
        assertThat(HEX.formatHex(ours)).isEqualTo(HEX.formatHex(Arrays.copyOfRange(IPV4, 34, 50)));
    }

    @Test
    void keepalivedsIpv6AdvertisementParsesAndOursEncodesTheSameMessage() throws Exception {
        VrrpFrames.Captured captured = VrrpFrames.parse(IPV6);

        assertThat(captured.source()).isEqualTo(IpAddress.parse("fe80::40aa:88ff:fe98:561b"));
        assertThat(captured.ttl()).isEqualTo(255);
        assertThat(captured.advert()).isEqualTo(new VrrpAdvert(52, 90, 100, List.of(IpAddress.parse("fd66::100"))));
        byte[] ours = VrrpCodec.encode(captured.advert(), captured.source(), VrrpFrames.GROUP_V6);
        assertThat(HEX.formatHex(ours)).isEqualTo(HEX.formatHex(Arrays.copyOfRange(IPV6, 54, 78)));
    }

    @Test
    void ourIpv4FrameDiffersFromKeepalivedsOnlyInTheIpIdentification() {
        VrrpAdvert advert = new VrrpAdvert(51, 120, 20,
                List.of(IpAddress.parse("10.66.0.100"), IpAddress.parse("10.66.0.101")));
        byte[] ours = VrrpFrames.advert(advert, IpAddress.parse("10.66.0.1"), HEX.parseHex("42aa8898561b"));
        byte[] theirs = IPV4.clone();
        // keepalived numbers its packets (id 1 here, header checksum accordingly); ours sends id 0
        theirs[18] = 0;
        theirs[19] = 0;
        int checksum = VrrpFrames.headerChecksum(theirs, 14, 20);
        theirs[24] = (byte) (checksum >> 8);
        theirs[25] = (byte) checksum;

        assertThat(HEX.formatHex(Arrays.copyOf(ours, theirs.length))).isEqualTo(HEX.formatHex(theirs));
    }
}
