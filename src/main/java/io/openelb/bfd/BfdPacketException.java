package io.openelb.bfd;

/**
 * A received datagram that RFC 5880 section 6.8.6 says to discard. Never fatal: the receiver drops the
 * datagram and counts it by {@link #reason()}; the session it may have been meant for does not see it.
 * Carries no stack trace (a peer can send many).
 */
public final class BfdPacketException extends RuntimeException {
    /** Why a datagram was discarded, one value per reception check, in the order the RFC makes them. */
    public enum Reason {
        /** Not even the 4 bytes that hold the version and the Length field. */
        TRUNCATED,
        /** Version is not 1. */
        BAD_VERSION,
        /** Length is below 24 (26 with the A bit). */
        LENGTH_TOO_SMALL,
        /** Length is beyond the end of the datagram. */
        LENGTH_BEYOND_DATAGRAM,
        /** Detect Mult is 0. */
        ZERO_DETECT_MULT,
        /** The Multipoint (M) bit is set. */
        MULTIPOINT,
        /** My Discriminator is 0. */
        ZERO_MY_DISCRIMINATOR,
        /** Your Discriminator is 0 while the State is Init or Up. */
        ZERO_YOUR_DISCRIMINATOR,
        /** The A bit is set: we use no authentication, so the RFC has such a packet discarded. */
        AUTHENTICATION_NOT_IN_USE
    }

    private final Reason reason;

    public BfdPacketException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "BfdPacketException(" + reason + "): " + getMessage();
    }
}
