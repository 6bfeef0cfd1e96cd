package io.openelb.bfd;

import java.nio.ByteBuffer;

/**
 * A BFD Control packet (RFC 5880 section 4.1), as accepted by the reception checks of section 6.8.6 that
 * need nothing but the packet: every instance is one we would accept, and {@link #encode()} writes one.
 *
 * <p>Not components, because an accepted packet has only one value for them: Version (1), the
 * Authentication Present (A) bit (0: we use no authentication, and section 6.8.6 discards a packet with A
 * set when none is in use, so we never parse an Authentication Section), the Multipoint (M) bit (0) and
 * Length (24 when we encode; bytes beyond the 24-byte Mandatory Section that the Length field covers are
 * ignored). Intervals are in microseconds, discriminators and intervals are unsigned 32-bit values.
 *
 * @param diagnostic       raw Diag value 0..31 (9..31 reserved but accepted), see {@link BfdDiagnostic}
 * @param poll             P: the sender asks for a packet with F in reply
 * @param fin              F: the reply to a P ({@code final} is a Java keyword). Section 6.5 forbids
 *                         P and F together on transmit but section 6.8.6 does not discard such a packet
 * @param controlPlaneIndependent C: the sender's BFD does not share fate with its control plane
 * @param demand           D: the sender asks us to stop periodic transmission once both are Up
 * @param detectMult       1..255
 * @param myDiscriminator  the sender's discriminator, nonzero
 * @param yourDiscriminator ours as the sender last learned it, or 0 (then the state is Down or AdminDown)
 */
public record BfdPacket(
        int diagnostic,
        BfdState state,
        boolean poll,
        boolean fin,
        boolean controlPlaneIndependent,
        boolean demand,
        int detectMult,
        long myDiscriminator,
        long yourDiscriminator,
        long desiredMinTxUs,
        long requiredMinRxUs,
        long requiredMinEchoRxUs) {
    public static final int VERSION = 1;
    /** The Mandatory Section; the only length we send. */
    public static final int LENGTH = 24;
    /** With the A bit set, at least the Auth Type and Auth Len bytes follow (section 6.8.6). */
    static final int LENGTH_WITH_AUTH = 26;
    private static final long U32 = 0xffff_ffffL;
    // byte 1: Sta(2) P F C A D M
    private static final int P = 0x20;
    private static final int F = 0x10;
    private static final int C = 0x08;
    private static final int A = 0x04;
    private static final int D = 0x02;
    private static final int M = 0x01;

    public BfdPacket {
        if (diagnostic < 0 || diagnostic > 31) {
            throw new IllegalArgumentException("diagnostic " + diagnostic + " does not fit 5 bits");
        }
        if (state == null) {
            throw new IllegalArgumentException("state is required");
        }
        if (detectMult < 1 || detectMult > 255) {
            throw new IllegalArgumentException("detect mult " + detectMult + " is not 1..255");
        }
        if (myDiscriminator == 0) {
            throw new IllegalArgumentException("my discriminator must be nonzero");
        }
        if (yourDiscriminator == 0 && state != BfdState.DOWN && state != BfdState.ADMIN_DOWN) {
            throw new IllegalArgumentException("your discriminator 0 is only valid in Down or AdminDown, not " + state);
        }
        for (long value : new long[] {myDiscriminator, yourDiscriminator, desiredMinTxUs, requiredMinRxUs,
                requiredMinEchoRxUs}) {
            if (value < 0 || value > U32) {
                throw new IllegalArgumentException(value + " does not fit an unsigned 32-bit field");
            }
        }
    }

    /**
     * The packet in one UDP payload, with every check of RFC 5880 section 6.8.6 that needs no session, in
     * the RFC's order. Selecting the session (by Your Discriminator, or by address when it is 0) is the
     * caller's; the session checks that Your Discriminator is its own.
     *
     * @throws BfdPacketException when the RFC says to discard the packet
     */
    public static BfdPacket decode(byte[] datagram) {
        if (datagram.length > 0 && (datagram[0] & 0xff) >>> 5 != VERSION) {
            throw discard(BfdPacketException.Reason.BAD_VERSION, "version " + ((datagram[0] & 0xff) >>> 5));
        }
        if (datagram.length < 4) {
            throw discard(BfdPacketException.Reason.TRUNCATED, "datagram of " + datagram.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(datagram);
        int diagnostic = b.get() & 0x1f;
        int flags = b.get() & 0xff;
        int detectMult = b.get() & 0xff;
        int length = b.get() & 0xff;
        boolean authentication = (flags & A) != 0;
        int minimum = authentication ? LENGTH_WITH_AUTH : LENGTH;
        if (length < minimum) {
            throw discard(BfdPacketException.Reason.LENGTH_TOO_SMALL, "length " + length + " below " + minimum);
        }
        if (length > datagram.length) {
            throw discard(BfdPacketException.Reason.LENGTH_BEYOND_DATAGRAM,
                    "length " + length + " in a datagram of " + datagram.length + " bytes");
        }
        if (detectMult == 0) {
            throw discard(BfdPacketException.Reason.ZERO_DETECT_MULT, "detect mult 0");
        }
        if ((flags & M) != 0) {
            throw discard(BfdPacketException.Reason.MULTIPOINT, "multipoint bit set");
        }
        long my = b.getInt() & U32;
        long your = b.getInt() & U32;
        BfdState state = BfdState.of(flags >>> 6);
        if (my == 0) {
            throw discard(BfdPacketException.Reason.ZERO_MY_DISCRIMINATOR, "my discriminator 0");
        }
        if (your == 0 && state != BfdState.DOWN && state != BfdState.ADMIN_DOWN) {
            throw discard(BfdPacketException.Reason.ZERO_YOUR_DISCRIMINATOR, "your discriminator 0 in state " + state);
        }
        if (authentication) {
            throw discard(BfdPacketException.Reason.AUTHENTICATION_NOT_IN_USE,
                    "authentication present, but this session uses none");
        }
        return new BfdPacket(diagnostic, state, (flags & P) != 0, (flags & F) != 0, (flags & C) != 0,
                (flags & D) != 0, detectMult, my, your, b.getInt() & U32, b.getInt() & U32, b.getInt() & U32);
    }

    /** The 24-byte Mandatory Section: version 1, A and M clear, no Authentication Section. */
    public byte[] encode() {
        int flags = state.code() << 6 | (poll ? P : 0) | (fin ? F : 0) | (controlPlaneIndependent ? C : 0)
                | (demand ? D : 0);
        return ByteBuffer.allocate(LENGTH)
                .put((byte) (VERSION << 5 | diagnostic))
                .put((byte) flags)
                .put((byte) detectMult)
                .put((byte) LENGTH)
                .putInt((int) myDiscriminator)
                .putInt((int) yourDiscriminator)
                .putInt((int) desiredMinTxUs)
                .putInt((int) requiredMinRxUs)
                .putInt((int) requiredMinEchoRxUs)
                .array();
    }

    private static BfdPacketException discard(BfdPacketException.Reason reason, String message) {
        return new BfdPacketException(reason, message);
    }
}
