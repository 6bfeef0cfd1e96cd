package io.openelb.layer2.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.model.IpAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FramesTest {
    private static final MacAddress OURS = MacAddress.parse("02:00:00:00:00:0b");
    private static final MacAddress CLIENT = MacAddress.parse("02:00:00:00:00:32");
    private static final HexFormat HEX = HexFormat.of();

    /** An ARP request as Linux sends it: who has 10.77.0.100? tell 10.77.0.50. */
    static byte[] arpRequest() {
        return HEX.parseHex("ffffffffffff" + "020000000032" + "0806"   // Ethernet: broadcast, client, ARP
                + "0001" + "0800" + "06" + "04" + "0001"                  // Ethernet/IPv4, request
                + "020000000032" + "0a4d0032"                             // sender MAC, 10.77.0.50
                + "000000000000" + "0a4d0064");                           // target MAC unknown, 10.77.0.100
    }

    /** A Neighbor Solicitation as Linux sends it: fd77::50 asks for fd77::100, Source LLA option. */
    static byte[] solicitation() {
        String icmp = "87" + "00" + "0000" + "00000000"                    // type 135, code, checksum (filled), reserved
                + "fd770000000000000000000000000100"                       // target fd77::100
                + "01" + "01" + "020000000032";                            // Source LLA option
        String frame = "3333ff000100" + "020000000032" + "86dd"            // to the solicited-node group
                + "60000000" + "0020" + "3a" + "ff"                        // IPv6, 32 bytes, ICMPv6, hop limit 255
                + "fd770000000000000000000000000050"                       // fd77::50
                + "ff0200000000000000000001ff000100"                       // ff02::1:ff00:100
                + icmp;
        byte[] f = HEX.parseHex(frame);
        int sum = Frames.icmpv6Checksum(f, 22, 38, 54, 32);
        f[56] = (byte) (sum >> 8);
        f[57] = (byte) sum;
        return f;
    }

    @Test
    void parsesAnArpRequest() {
        NeighborRequest r = Frames.parse(arpRequest());

        assertThat(r).isEqualTo(new NeighborRequest(IpAddress.parse("10.77.0.100"), CLIENT, IpAddress.parse("10.77.0.50")));
    }

    @Test
    void answersAnArpRequestWithAReplyFromOurMacToTheAsker() {
        byte[] reply = Frames.answer(Frames.parse(arpRequest()), OURS);

        assertThat(HEX.formatHex(reply, 0, 42)).isEqualTo("020000000032" + "02000000000b" + "0806"
                + "0001" + "0800" + "06" + "04" + "0002"
                + "02000000000b" + "0a4d0064"                             // we have 10.77.0.100
                + "020000000032" + "0a4d0032");                           // to the asker
        assertThat(reply).hasSize(60); // padded to the Ethernet minimum
    }

    @Test
    void parsesANeighborSolicitationWithItsSourceLinkLayerAddress() {
        NeighborRequest r = Frames.parse(solicitation());

        assertThat(r).isEqualTo(new NeighborRequest(IpAddress.parse("fd77::100"), CLIENT, IpAddress.parse("fd77::50")));
    }

    @Test
    void answersASolicitationWithASolicitedOverridingAdvertisementAndAValidChecksum() {
        byte[] na = Frames.answer(Frames.parse(solicitation()), OURS);

        assertThat(HEX.formatHex(na, 0, 14)).isEqualTo("020000000032" + "02000000000b" + "86dd");
        assertThat(HEX.formatHex(na, 14, 22)).isEqualTo("60000000" + "0020" + "3a" + "ff");
        assertThat(HEX.formatHex(na, 22, 54)).isEqualTo("fd770000000000000000000000000100"
                + "fd770000000000000000000000000050");
        assertThat(na[54] & 0xff).isEqualTo(136);
        assertThat(na[58] & 0xff).isEqualTo(0x60); // Solicited | Override, not Router
        assertThat(HEX.formatHex(na, 62, 78)).isEqualTo("fd770000000000000000000000000100");
        assertThat(HEX.formatHex(na, 78, 86)).isEqualTo("0201" + "02000000000b"); // Target LLA
        assertThat(checksumHolds(na)).isTrue();
    }

    @Test
    void aSolicitationFromTheUnspecifiedAddressIsAnsweredToAllNodes() {
        byte[] dad = solicitation();
        System.arraycopy(new byte[16], 0, dad, 22, 16);

        byte[] na = Frames.answer(Frames.parse(dad), OURS);

        assertThat(HEX.formatHex(na, 0, 6)).isEqualTo("333300000001");
        assertThat(HEX.formatHex(na, 38, 54)).isEqualTo("ff020000000000000000000000000001");
        assertThat(na[58] & 0xff).isEqualTo(0x20); // unsolicited: Override only
    }

    @Test
    void announcementsAreGratuitousArpAndUnsolicitedOverridingAdvertisements() {
        byte[] garp = Frames.announcement(IpAddress.parse("10.77.0.100"), OURS);
        assertThat(HEX.formatHex(garp, 0, 42)).isEqualTo("ffffffffffff" + "02000000000b" + "0806"
                + "0001" + "0800" + "06" + "04" + "0001"
                + "02000000000b" + "0a4d0064" + "000000000000" + "0a4d0064");

        byte[] na = Frames.announcement(IpAddress.parse("fd77::100"), OURS);
        assertThat(HEX.formatHex(na, 0, 6)).isEqualTo("333300000001");
        assertThat(na[58] & 0xff).isEqualTo(0x20);
        assertThat(checksumHolds(na)).isTrue();
        // our own announcements are no requests: the responder never answers itself
        assertThat(Frames.parse(garp)).isNotNull(); // a gratuitous ARP is a request for the VIP...
        assertThat(Frames.parse(na)).isNull();       // ...an advertisement is not
    }

    @Test
    void ignoresRepliesOtherProtocolsTruncatedFramesAndOffLinkSolicitations() {
        byte[] reply = Frames.answer(Frames.parse(arpRequest()), OURS);
        byte[] truncated = java.util.Arrays.copyOf(arpRequest(), 30);
        byte[] ipv4 = arpRequest();
        ipv4[12] = 0x08;
        ipv4[13] = 0x00;
        byte[] routed = solicitation();
        routed[21] = 64; // hop limit not 255: came through a router (RFC 4861 7.1.1)
        byte[] badOption = solicitation();
        badOption[79] = 0; // zero-length option

        for (byte[] f : new byte[][] {reply, truncated, ipv4, routed, badOption, new byte[0], null}) {
            assertThat(Frames.parse(f)).isNull();
        }
    }

    @Test
    void solicitedNodeGroupKeepsTheLow24Bits() {
        assertThat(Frames.solicitedNodeGroup(IpAddress.parse("2001:db8::1:2345:6789")))
                .isEqualTo(IpAddress.parse("ff02::1:ff45:6789"));
    }

    /** RFC 4443 2.3: the one's complement sum over pseudo-header and message, checksum included, is 0xffff. */
    private static boolean checksumHolds(byte[] f) {
        int stored = Frames.u16(f, 56);
        return Frames.icmpv6Checksum(f, 22, 38, 54, 32) == stored;
    }
}
