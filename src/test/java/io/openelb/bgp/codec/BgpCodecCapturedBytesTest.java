package io.openelb.bgp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The encoder's bytes against the routers' own (src/test/resources/bgp, see its README).
 *
 * <p>Every captured message, decoded and encoded again, gives back the captured bytes, up to the two
 * layout choices where RFC 4271 allows either form and our encoder writes one: all capabilities in one
 * optional parameter (FRR puts each in its own, RFC 5492 section 4 allows both), and the extended-length
 * flag only on attributes longer than 255 bytes (FRR and BIRD set it on short ones too, RFC 4271 section
 * 4.3 allows it). Attribute order is kept as decoded, so BIRD's and FRR's MP_REACH_NLRI first and GoBGP's
 * sorted order both come back as sent. One loss is pinned, not hidden: the decoder keeps only the R bit of
 * the graceful restart flags, so FRR's N bit (RFC 8538) does not come back.
 *
 * <p>Then messages built as our speaker builds them ({@link UpdatePacker}, the session's KEEPALIVE and
 * Cease) are compared with GoBGP's for the same routes: GoBGP 3.10 is what the Go OpenELB embeds.
 */
class BgpCodecCapturedBytesTest {
    private static final Path DIR = Path.of("src", "test", "resources", "bgp");
    private static final int OPEN = 1;
    private static final int UPDATE = 2;
    private static final int CAPABILITIES = 2; // optional parameter type, RFC 5492 section 4

    static Stream<Path> captures() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.toString().endsWith(".bin")).sorted().toList().stream();
        }
    }

    /** Every capture but FRR's OPENs, whose graceful restart N bit the decoder drops (see below). */
    static Stream<Path> capturesDecodedWhole() throws IOException {
        return captures().filter(p -> !p.getFileName().toString().startsWith("frr-open-"));
    }

    private static byte[] read(String name) {
        try {
            return Files.readAllBytes(DIR.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("capturesDecodedWhole")
    void encodingADecodedCaptureGivesItsBytesInOurLayout(Path capture) throws IOException {
        byte[] wire = Files.readAllBytes(capture);

        byte[] again = BgpCodec.encode(BgpCodec.decode(wire, true), true);

        assertThat(again).isEqualTo(ourLayout(wire));
    }

    /**
     * FRR advertises graceful restart with the R and N bits set (flags 0xc, README). {@link
     * Capability.GracefulRestart} has no N bit, so it is lost in decoding; everything else comes back.
     */
    @ParameterizedTest
    @MethodSource("frrOpens")
    void frrsOpensComeBackWithoutTheGracefulRestartNotificationBit(String name) {
        byte[] wire = read(name);
        byte[] expected = ourLayout(wire);
        int flags = gracefulRestartFlagsOffset(expected);
        assertThat(expected[flags] & 0xf0).as("R and N bits as captured").isEqualTo(0xc0);
        expected[flags] &= ~0x40;

        assertThat(BgpCodec.encode(BgpCodec.decode(wire, true), true)).isEqualTo(expected);
    }

    static Stream<String> frrOpens() {
        return Stream.of("frr-open-ipv4.bin", "frr-open-ipv6.bin");
    }

    /** Pins where the routers' layout differs from ours, so that {@link #ourLayout} cannot hide more. */
    @Test
    void onlyFrrsOpensAndTheExtendedLengthFlagsOfBirdAndFrrDifferFromOurLayout() throws IOException {
        Set<String> differ = new TreeSet<>();
        List<Path> all = captures().toList();
        for (Path capture : all) {
            byte[] wire = Files.readAllBytes(capture);
            if (!Arrays.equals(wire, ourLayout(wire))) {
                differ.add(capture.getFileName().toString());
            }
        }

        assertThat(all).hasSize(37);
        assertThat(differ).containsExactly(
                "bird-update-ipv6-announce.bin", "bird-update-ipv6-withdraw.bin", // MP_(UN)REACH_NLRI 0x90
                "frr-open-ipv4.bin", "frr-open-ipv6.bin", // one optional parameter per capability
                "frr-update-ipv4-announce-reflected.bin", "frr-update-ipv4-announce.bin", // AS_PATH 0x50
                "frr-update-ipv6-announce-reflected.bin", "frr-update-ipv6-announce.bin"); // both
    }

    @Test
    void ourIpv4AnnouncementIsGobgpsButForTheOrigin() {
        List<Update> ours = UpdatePacker.announce(IpFamily.IPV4, PathAttribute.AsPath.sequence(64513),
                IpAddress.parse("10.77.0.11"), List.of(), List.of(Prefix.host(IpAddress.parse("10.99.0.1"))), true);
        byte[] gobgp = read("gobgp-update-ipv4-announce.bin");

        // routes added with the gobgp CLI without "origin" are INCOMPLETE; ours are IGP
        assertThat(origin(gobgp)).isEqualTo(2);
        assertThat(ours).hasSize(1);
        assertThat(BgpCodec.encode(ours.get(0), true)).isEqualTo(withOrigin(gobgp, PathAttribute.Origin.IGP));
    }

    @Test
    void ourIpv6AnnouncementIsGobgpsButForTheOrigin() {
        List<Update> ours = UpdatePacker.announce(IpFamily.IPV6, PathAttribute.AsPath.sequence(64513),
                IpAddress.parse("fd77::11"), List.of(), List.of(Prefix.host(IpAddress.parse("fd99::1"))), true);
        byte[] gobgp = read("gobgp-update-ipv6-announce.bin");

        assertThat(origin(gobgp)).isEqualTo(2);
        assertThat(ours).hasSize(1);
        assertThat(BgpCodec.encode(ours.get(0), true)).isEqualTo(withOrigin(gobgp, PathAttribute.Origin.IGP));
    }

    /** GoBGP's route with {@code origin igp med 10 community 64513:7 large-community 64513:1:2} (README). */
    @ParameterizedTest
    @CsvSource({"IPV4, 10.77.0.11, 10.99.0.2, gobgp-update-ipv4-announce-attributes.bin",
        "IPV6, fd77::11, fd99::2, gobgp-update-ipv6-announce-attributes.bin"})
    void ourAnnouncementWithMedAndCommunitiesIsGobgps(IpFamily family, String nextHop, String address, String capture) {
        List<PathAttribute> policy = List.of(new PathAttribute.MultiExitDisc(10),
                new PathAttribute.Communities(List.of(64513L << 16 | 7)),
                new PathAttribute.LargeCommunities(List.of(new LargeCommunity(64513, 1, 2))));

        List<Update> ours = UpdatePacker.announce(family, PathAttribute.AsPath.sequence(64513),
                IpAddress.parse(nextHop), policy, List.of(Prefix.host(IpAddress.parse(address))), true);

        // both sort by type code, so MP_REACH_NLRI (14) sits between COMMUNITIES (8) and LARGE_COMMUNITY (32)
        assertThat(ours).hasSize(1);
        assertThat(HexFormat.of().formatHex(BgpCodec.encode(ours.get(0), true)))
                .isEqualTo(HexFormat.of().formatHex(read(capture)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bird-update-ipv4-announce.bin", "bird-update-ipv6-announce.bin",
        "frr-update-ipv4-announce.bin", "gobgp-router-update-ipv6-announce.bin"})
    void theRoutersMedAndCommunitiesDecode(String capture) {
        Update update = (Update) BgpCodec.decode(read(capture), true);

        // MED 50, COMMUNITIES fc000064 = 64512:100, LARGE_COMMUNITIES 64512:1:2 (README)
        assertThat(update.attributes()).contains(new PathAttribute.MultiExitDisc(50),
                new PathAttribute.Communities(List.of(0xfc000064L)),
                new PathAttribute.LargeCommunities(List.of(new LargeCommunity(64512, 1, 2))));
        assertThat(update.attributes()).noneMatch(a -> a instanceof PathAttribute.Unknown);
    }

    @Test
    void ourWithdrawalsAreGobgps() {
        List<Update> v4 = UpdatePacker.withdraw(IpFamily.IPV4, List.of(Prefix.host(IpAddress.parse("10.99.0.1"))));
        List<Update> v6 = UpdatePacker.withdraw(IpFamily.IPV6, List.of(Prefix.host(IpAddress.parse("fd99::1"))));

        assertThat(v4).hasSize(1);
        assertThat(BgpCodec.encode(v4.get(0), true)).isEqualTo(read("gobgp-update-ipv4-withdraw.bin"));
        assertThat(v6).hasSize(1);
        assertThat(BgpCodec.encode(v6.get(0), true)).isEqualTo(read("gobgp-update-ipv6-withdraw.bin"));
    }

    @Test
    void ourEndOfRibMarkersAreThoseOfEveryRouter() {
        // byte-identical from BIRD, FRR and the graceful-restart GoBGP speaker
        assertThat(BgpCodec.encode(UpdatePacker.endOfRib(IpFamily.IPV4), true))
                .isEqualTo(read("frr-update-end-of-rib-ipv4.bin"));
        assertThat(BgpCodec.encode(UpdatePacker.endOfRib(IpFamily.IPV6), true))
                .isEqualTo(read("frr-update-end-of-rib-ipv6.bin"));
    }

    @Test
    void ourKeepaliveAndAdministrativeShutdownAreTheRouters() {
        assertThat(BgpCodec.encode(Keepalive.INSTANCE, true)).isEqualTo(read("bird-keepalive.bin"));
        // the session sends Cease / Administrative Shutdown without a communication when it stops
        Notification shutdown = new Notification(BgpError.CEASE, BgpError.ADMINISTRATIVE_SHUTDOWN, new byte[0]);
        assertThat(BgpCodec.encode(shutdown, true)).isEqualTo(read("gobgp-router-notification-cease-admin-shutdown.bin"));
    }

    /**
     * FRR's IPv6 announcement (MP_REACH_NLRI first, flags 0x90 with a 2-byte length, global + link-local next
     * hop) with its next hop length changed from 32 to 24: inconsistent for IPv6 (RFC 2545), so the NLRI after
     * it cannot be located (RFC 7606 section 7.11) and the session resets with 3/9, the attribute as data.
     */
    @Test
    void frrsAnnouncementWithAWrongNextHopLengthIsAnOptionalAttributeError() {
        byte[] wire = read("frr-update-ipv6-announce.bin");
        int attribute = BgpCodec.HEADER_LENGTH + 2 + 2; // no withdrawn routes: the first attribute
        assertThat(HexFormat.of().formatHex(wire, attribute, attribute + 8)).as("flags, type, length, AFI, SAFI, next hop length")
                .isEqualTo("900e0036" + "000201" + "20");
        wire[attribute + 7] = 24;

        assertThatThrownBy(() -> BgpCodec.decode(wire, true)).isInstanceOfSatisfying(BgpError.class, e ->
                assertThat(e.toNotification()).isEqualTo(new Notification(BgpError.UPDATE_MESSAGE,
                        BgpError.OPTIONAL_ATTRIBUTE_ERROR, Arrays.copyOfRange(wire, attribute, attribute + 4 + 0x36))));
    }

    /** GoBGP's IPv6 withdrawal (MP_UNREACH_NLRI, flags 0x80) with its /128 made a /129: 3/9, not 3/1 or 3/10. */
    @Test
    void gobgpsWithdrawalWithAnImpossiblePrefixLengthIsAnOptionalAttributeError() {
        byte[] wire = read("gobgp-router-update-ipv6-withdraw.bin");
        int attribute = BgpCodec.HEADER_LENGTH + 2 + 2;
        assertThat(HexFormat.of().formatHex(wire, attribute, attribute + 7)).isEqualTo("800f14" + "000201" + "80");
        wire[attribute + 6] = (byte) 129;

        assertThatThrownBy(() -> BgpCodec.decode(wire, true)).isInstanceOfSatisfying(BgpError.class, e ->
                assertThat(e.toNotification()).isEqualTo(new Notification(BgpError.UPDATE_MESSAGE,
                        BgpError.OPTIONAL_ATTRIBUTE_ERROR, Arrays.copyOfRange(wire, attribute, wire.length))));
    }

    /** GoBGP's IPv6 announcement, as it would arrive on a session that negotiated IPv4 unicast only. */
    @Test
    void anAnnouncementOfAFamilyNotNegotiatedIsAnOptionalAttributeError() {
        byte[] wire = read("gobgp-router-update-ipv6-announce.bin");
        byte[] mpReach = HexFormat.of().parseHex("800e26" + "000201" + "10" + "fd770000000000000000000000000001" + "00"
                + "80" + "fd880000000000000000000000000001");

        assertThat(BgpCodec.decode(wire, true, Set.of(IpFamily.IPV6), false)).isInstanceOf(Update.class);
        assertThatThrownBy(() -> BgpCodec.decode(wire, true, Set.of(IpFamily.IPV4), false)).isInstanceOfSatisfying(
                BgpError.class, e -> assertThat(e.toNotification()).isEqualTo(new Notification(BgpError.UPDATE_MESSAGE,
                        BgpError.OPTIONAL_ATTRIBUTE_ERROR, mpReach)));
    }

    /**
     * RFC 8203 / RFC 9003 shutdown communications: ours is byte for byte BIRD's for the same text; BIRD's
     * (Administrative Shutdown) and GoBGP's (Administrative Reset) read back as their text.
     */
    @Test
    void ourShutdownCommunicationIsBirdsAndTheRoutersReadBack() {
        assertThat(BgpCodec.encode(Notification.cease(BgpError.ADMINISTRATIVE_SHUTDOWN, "golden capture"), true))
                .isEqualTo(read("bird-notification-cease-admin-shutdown-communication.bin"));

        Notification bird = (Notification) BgpCodec.decode(read("bird-notification-cease-admin-shutdown-communication.bin"), true);
        Notification gobgp = (Notification) BgpCodec.decode(
                read("gobgp-router-notification-cease-admin-reset-communication.bin"), true);
        Notification none = (Notification) BgpCodec.decode(read("gobgp-router-notification-cease-admin-shutdown.bin"), true);
        assertThat(bird.shutdownCommunication()).contains("\"golden capture\"");
        assertThat(gobgp.subcode()).isEqualTo(BgpError.ADMINISTRATIVE_RESET);
        assertThat(gobgp.shutdownCommunication()).contains("\"golden capture\"");
        assertThat(none.shutdownCommunication()).isEmpty();
    }

    /**
     * {@code wire} as our encoder lays it out: an OPEN's capabilities in one optional parameter, an
     * UPDATE's attributes without the extended-length flag where the length fits in one byte.
     */
    private static byte[] ourLayout(byte[] wire) {
        ByteBuffer b = ByteBuffer.wrap(wire, BgpCodec.HEADER_LENGTH, wire.length - BgpCodec.HEADER_LENGTH);
        int type = wire[18] & 0xff;
        if (type == OPEN) {
            return frame(OPEN, openWithOneCapabilitiesParameter(b));
        }
        if (type == UPDATE) {
            return frame(UPDATE, updateWithShortLengths(b));
        }
        return wire;
    }

    private static byte[] openWithOneCapabilitiesParameter(ByteBuffer b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b.get()); // version
        out.writeBytes(take(b, 2)); // my AS
        out.writeBytes(take(b, 2)); // hold time
        out.writeBytes(take(b, 4)); // BGP identifier
        ByteBuffer params = ByteBuffer.wrap(take(b, b.get() & 0xff));
        ByteArrayOutputStream capabilities = new ByteArrayOutputStream();
        while (params.hasRemaining()) {
            assertThat(params.get() & 0xff).as("optional parameter type").isEqualTo(CAPABILITIES);
            capabilities.writeBytes(take(params, params.get() & 0xff));
        }
        out.write(capabilities.size() + 2);
        out.write(CAPABILITIES);
        out.write(capabilities.size());
        out.writeBytes(capabilities.toByteArray());
        return out.toByteArray();
    }

    private static byte[] updateWithShortLengths(ByteBuffer b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] withdrawn = take(b, b.getShort() & 0xffff);
        writeShort(out, withdrawn.length);
        out.writeBytes(withdrawn);
        ByteBuffer attrs = ByteBuffer.wrap(take(b, b.getShort() & 0xffff));
        ByteArrayOutputStream attributes = new ByteArrayOutputStream();
        while (attrs.hasRemaining()) {
            int flags = attrs.get() & 0xff;
            int typeCode = attrs.get() & 0xff;
            boolean extended = (flags & PathAttribute.EXTENDED_LENGTH) != 0;
            byte[] value = take(attrs, extended ? attrs.getShort() & 0xffff : attrs.get() & 0xff);
            boolean needed = value.length > 255;
            attributes.write(needed ? flags : flags & ~PathAttribute.EXTENDED_LENGTH);
            attributes.write(typeCode);
            if (needed) {
                writeShort(attributes, value.length);
            } else {
                attributes.write(value.length);
            }
            attributes.writeBytes(value);
        }
        writeShort(out, attributes.size());
        out.writeBytes(attributes.toByteArray());
        out.writeBytes(take(b, b.remaining())); // NLRI
        return out.toByteArray();
    }

    /** Where the flags of the graceful restart capability are in an OPEN with one capabilities parameter. */
    private static int gracefulRestartFlagsOffset(byte[] open) {
        int at = BgpCodec.HEADER_LENGTH + 10 + 2; // fixed fields, optional parameters length, parameter header
        while ((open[at] & 0xff) != Capability.GRACEFUL_RESTART) {
            at += 2 + (open[at + 1] & 0xff);
        }
        return at + 2;
    }

    /** The ORIGIN value of a captured UPDATE whose attributes all have a one-byte length. */
    private static int origin(byte[] update) {
        return update[originOffset(update)] & 0xff;
    }

    private static byte[] withOrigin(byte[] update, int origin) {
        byte[] copy = update.clone();
        copy[originOffset(update)] = (byte) origin;
        return copy;
    }

    private static int originOffset(byte[] update) {
        int withdrawnLength = ((update[19] & 0xff) << 8) | (update[20] & 0xff);
        int at = 19 + 2 + withdrawnLength + 2; // first attribute
        while (update[at + 1] != 1) { // type code ORIGIN
            assertThat(update[at] & PathAttribute.EXTENDED_LENGTH).as("a one-byte attribute length").isZero();
            at += 3 + (update[at + 2] & 0xff);
        }
        return at + 3;
    }

    private static byte[] frame(int type, byte[] body) {
        ByteBuffer frame = ByteBuffer.allocate(BgpCodec.HEADER_LENGTH + body.length);
        for (int i = 0; i < 16; i++) {
            frame.put((byte) 0xff);
        }
        return frame.putShort((short) frame.capacity()).put((byte) type).put(body).array();
    }

    private static byte[] take(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.write(value >> 8);
        out.write(value);
    }
}
