package io.openelb.bfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openelb.bfd.BfdPacketException.Reason;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden bytes, round trips and every discard reason of RFC 5880 section 6.8.6. The golden packets are
 * CONSTRUCTED from the section 4.1 layout with BIRD 2's and FRR 8's default values, not captured (see
 * src/test/resources/bfd/README.md, which holds the same bytes as the fuzz test's seeds).
 */
class BfdPacketTest {
    private static final long OURS = 0x01020304L;
    private static final long BIRD = 0x5e1f0a21L;
    private static final long FRR = 0x3a9c41d2L;

    /** BIRD-like, Down, Your Discriminator still 0: the first packet of a session. */
    static final String DOWN_YOUR_ZERO = "20" // version 1, Diag 0
            + "40" // Sta 1 Down, no flags
            + "05" // Detect Mult 5
            + "18" // Length 24
            + "5e1f0a21" // My Discriminator
            + "00000000" // Your Discriminator: not known yet
            + "000f4240" // Desired Min TX 1,000,000 us: 1 s while not Up (section 6.8.3)
            + "000186a0" // Required Min RX 100,000 us
            + "00000000"; // Required Min Echo RX 0: no Echo
    /** BIRD-like, Up, polling to switch to its fast interval. */
    static final String UP_POLL = "20" // version 1, Diag 0
            + "e0" // Sta 3 Up, P
            + "05" + "18" + "5e1f0a21"
            + "01020304" // Your Discriminator: ours
            + "000186a0" // Desired Min TX 100 ms
            + "000186a0" // Required Min RX 100 ms
            + "00000000";
    /** FRR-like, Up, the Final reply to our Poll; it loops Echo packets back. */
    static final String UP_FINAL_ECHO = "20" + "d0" // Sta 3 Up, F
            + "03" + "18" + "3a9c41d2" + "01020304"
            + "000493e0" // Desired Min TX 300 ms
            + "000493e0" // Required Min RX 300 ms
            + "0000c350"; // Required Min Echo RX 50 ms
    /** FRR-like, Down after its detection time expired (Diag 1), our discriminator forgotten. */
    static final String DOWN_DETECTION_EXPIRED = "21" // version 1, Diag 1
            + "40" + "03" + "18" + "3a9c41d2" + "00000000" + "000f4240" + "000493e0" + "0000c350";
    /** FRR-like, administratively down (Diag 7). */
    static final String ADMIN_DOWN = "27" // version 1, Diag 7
            + "00" // Sta 0 AdminDown
            + "03" + "18" + "3a9c41d2" + "01020304" + "000f4240" + "000493e0" + "0000c350";

    static Stream<Arguments> golden() {
        return Stream.of(
                Arguments.of(DOWN_YOUR_ZERO, new BfdPacket(0, BfdState.DOWN, false, false, false, false, 5, BIRD, 0,
                        1_000_000, 100_000, 0)),
                Arguments.of(UP_POLL, new BfdPacket(0, BfdState.UP, true, false, false, false, 5, BIRD, OURS,
                        100_000, 100_000, 0)),
                Arguments.of(UP_FINAL_ECHO, new BfdPacket(0, BfdState.UP, false, true, false, false, 3, FRR, OURS,
                        300_000, 300_000, 50_000)),
                Arguments.of(DOWN_DETECTION_EXPIRED, new BfdPacket(1, BfdState.DOWN, false, false, false, false, 3,
                        FRR, 0, 1_000_000, 300_000, 50_000)),
                Arguments.of(ADMIN_DOWN, new BfdPacket(7, BfdState.ADMIN_DOWN, false, false, false, false, 3, FRR,
                        OURS, 1_000_000, 300_000, 50_000)));
    }

    @ParameterizedTest
    @MethodSource("golden")
    void decodesTheGoldenBytesFieldByField(String hex, BfdPacket expected) {
        assertThat(BfdPacket.decode(bytes(hex))).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("golden")
    void encodesToTheGoldenBytes(String hex, BfdPacket packet) {
        assertThat(HexFormat.of().formatHex(packet.encode())).isEqualTo(hex);
    }

    /**
     * Captured on the lab's bridge (tcpdump, hack/lab.sh up --bfd, 300 ms x 3 configured): the first packet BIRD
     * 2.0.12 and FRR 8.4 send a node they have not heard from. Both ask for 1 s while not Up (RFC 5880 section
     * 6.8.3); FRR also advertises echo at 50 ms and, unlike BIRD, its required RX of 1 s until Up.
     */
    @Test
    void theFirstPacketsOfRealRoutersDecode() {
        BfdPacket bird = BfdPacket.decode(bytes("20400318" + "ec1adb9a" + "00000000" + "000f4240" + "000493e0"
                + "00000000"));
        BfdPacket frr = BfdPacket.decode(bytes("20400318" + "1fd4dbc1" + "00000000" + "000f4240" + "000f4240"
                + "0000c350"));

        assertThat(bird).isEqualTo(new BfdPacket(0, BfdState.DOWN, false, false, false, false, 3, 0xec1adb9aL, 0,
                1_000_000, 300_000, 0));
        assertThat(frr).isEqualTo(new BfdPacket(0, BfdState.DOWN, false, false, false, false, 3, 0x1fd4dbc1L, 0,
                1_000_000, 1_000_000, 50_000));
        assertThat(HexFormat.of().formatHex(bird.encode())).isEqualTo("20400318ec1adb9a00000000000f4240000493e000000000");
    }

    @Test
    void everyFlagAndTheWidestValuesRoundTrip() {
        BfdPacket packet = new BfdPacket(31, BfdState.INIT, true, true, true, true, 255, 0xffff_ffffL,
                0xffff_ffffL, 0xffff_ffffL, 0xffff_ffffL, 0xffff_ffffL);

        byte[] wire = packet.encode();

        assertThat(HexFormat.of().formatHex(wire)).isEqualTo("3fbaff18" + "ffffffff".repeat(5));
        assertThat(BfdPacket.decode(wire)).isEqualTo(packet);
    }

    @Test
    void bytesBeyondTheLengthFieldAreIgnored() {
        byte[] padded = Arrays.copyOf(bytes(UP_POLL), 40);

        assertThat(BfdPacket.decode(padded)).isEqualTo(BfdPacket.decode(bytes(UP_POLL)));
    }

    @Test
    void aLengthAbove24WithoutAuthenticationIsAccepted() {
        // section 6.8.6 only discards a Length below the minimum or beyond the datagram
        byte[] longer = Arrays.copyOf(bytes(UP_POLL), 28);
        longer[3] = 28;

        assertThat(BfdPacket.decode(longer)).isEqualTo(BfdPacket.decode(bytes(UP_POLL)));
    }

    static Stream<Arguments> discarded() {
        return Stream.of(
                Arguments.of("", Reason.TRUNCATED),
                Arguments.of("2040", Reason.TRUNCATED),
                Arguments.of(with(DOWN_YOUR_ZERO, 0, 0x00), Reason.BAD_VERSION), // version 0
                Arguments.of(with(DOWN_YOUR_ZERO, 0, 0x40), Reason.BAD_VERSION), // version 2
                Arguments.of(with(DOWN_YOUR_ZERO, 0, 0xe0), Reason.BAD_VERSION), // version 7, high bit set
                Arguments.of("e0", Reason.BAD_VERSION), // the version is checked first, even in 1 byte
                Arguments.of(with(DOWN_YOUR_ZERO, 3, 23), Reason.LENGTH_TOO_SMALL),
                Arguments.of(with(with(DOWN_YOUR_ZERO, 1, 0x44), 3, 24), Reason.LENGTH_TOO_SMALL), // A: 26 at least
                Arguments.of(DOWN_YOUR_ZERO.substring(0, 46), Reason.LENGTH_BEYOND_DATAGRAM), // 23 bytes
                Arguments.of(with(DOWN_YOUR_ZERO, 3, 25), Reason.LENGTH_BEYOND_DATAGRAM),
                Arguments.of(with(DOWN_YOUR_ZERO, 2, 0), Reason.ZERO_DETECT_MULT),
                Arguments.of(with(DOWN_YOUR_ZERO, 1, 0x41), Reason.MULTIPOINT),
                Arguments.of(DOWN_YOUR_ZERO.replace("5e1f0a21", "00000000"), Reason.ZERO_MY_DISCRIMINATOR),
                Arguments.of(with(DOWN_YOUR_ZERO, 1, 0x80), Reason.ZERO_YOUR_DISCRIMINATOR), // Init
                Arguments.of(with(DOWN_YOUR_ZERO, 1, 0xc0), Reason.ZERO_YOUR_DISCRIMINATOR), // Up
                // A set: Simple Password (type 1, length 4, key 1, "a"); we use no authentication
                Arguments.of(with(with(UP_POLL, 1, 0xe4), 3, 28) + "01040161", Reason.AUTHENTICATION_NOT_IN_USE));
    }

    @ParameterizedTest
    @MethodSource("discarded")
    void discardsWithTheReason(String hex, Reason reason) {
        assertThatThrownBy(() -> BfdPacket.decode(bytes(hex)))
                .isInstanceOfSatisfying(BfdPacketException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageNotContaining("null");
    }

    @Test
    void checksInTheOrderOfTheRfc() {
        // Detect Mult 0, M set, My Discriminator 0 and Your Discriminator 0 in Up: the first check wins
        String everythingWrong = "20" + "c1" + "00" + "18" + "00000000" + "00000000" + "0".repeat(24);

        assertThatThrownBy(() -> BfdPacket.decode(bytes(everythingWrong)))
                .isInstanceOfSatisfying(BfdPacketException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.ZERO_DETECT_MULT));
    }

    @Test
    void yourDiscriminatorZeroIsValidInAdminDown() {
        BfdPacket packet = BfdPacket.decode(bytes(with(DOWN_YOUR_ZERO, 1, 0x00)));

        assertThat(packet.state()).isEqualTo(BfdState.ADMIN_DOWN);
        assertThat(packet.yourDiscriminator()).isZero();
    }

    @Test
    void aPacketThatWouldBeDiscardedCannotBeBuilt() {
        assertThatThrownBy(() -> new BfdPacket(0, BfdState.UP, false, false, false, false, 3, FRR, 0, 1, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only valid in Down or AdminDown");
        assertThatThrownBy(() -> new BfdPacket(0, BfdState.DOWN, false, false, false, false, 0, FRR, 0, 1, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("detect mult 0");
        assertThatThrownBy(() -> new BfdPacket(0, BfdState.DOWN, false, false, false, false, 3, 0, 0, 1, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("my discriminator");
        assertThatThrownBy(() -> new BfdPacket(32, BfdState.DOWN, false, false, false, false, 3, FRR, 0, 1, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 bits");
        assertThatThrownBy(() -> new BfdPacket(0, BfdState.DOWN, false, false, false, false, 3, FRR, 0,
                1L << 32, 1, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32-bit");
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    /** The hex with one byte replaced. */
    private static String with(String hex, int index, int value) {
        byte[] b = bytes(hex);
        b[index] = (byte) value;
        return HexFormat.of().formatHex(b);
    }
}
