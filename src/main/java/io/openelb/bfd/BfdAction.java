package io.openelb.bfd;

import java.time.Duration;

/** What the BFD shell must do after a transition, in order. */
public sealed interface BfdAction {
    /**
     * Send this packet now, outside the periodic schedule (a Final reply to a Poll, a changed state, the
     * first packet) or as the periodic packet of a {@link BfdEvent.TransmitDue}.
     */
    record Send(BfdPacket packet) implements BfdAction {}

    /**
     * Transmit periodically from now on: deliver {@link BfdEvent.TransmitDue} after a delay drawn at random
     * in [min, max] after each periodic packet (RFC 5880 section 6.8.7 jitter: 75 % to 100 % of the
     * interval). Replaces the previous range; the next packet is due a fresh delay after the last periodic
     * one, at once if that moment has passed (section 6.8.3: a shorter interval is honoured immediately).
     */
    record TransmitEvery(Duration min, Duration max) implements BfdAction {}

    /** No periodic transmission (passive and no peer yet, the peer asked for none, or peer Demand mode). */
    record StopTransmit() implements BfdAction {}

    /** (Re)start the detection timer: {@link BfdEvent.DetectionTimeExpired} after this, replacing any running. */
    record StartDetectionTimer(Duration after) implements BfdAction {}

    /** The session is Up: the client (BGP) may rely on the path. */
    record SessionUp() implements BfdAction {}

    /**
     * The session left Up.
     *
     * @param pathFailure true when the forwarding path is in doubt (detection time expired, or the peer said
     *                    Down): the client should tear down (RFC 5882 section 4.2). False when the peer or
     *                    we went AdminDown: an administrative act that says nothing about the path, and the
     *                    client SHOULD NOT take any action (RFC 5882 sections 3.2 and 4.2)
     */
    record SessionDown(BfdDiagnostic diagnostic, boolean pathFailure) implements BfdAction {}

    /** The packet was discarded by the session (RFC 5880 section 6.8.6): count it, nothing else to do. */
    record Discarded(String why) implements BfdAction {}
}
