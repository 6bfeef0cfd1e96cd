package io.openelb.bfd;

/** What happened to a BFD session: a packet, one of its two timers, or an operator's command. */
public sealed interface BfdEvent {
    /** A packet that passed {@link BfdPacket#decode} and was demultiplexed to this session. */
    record PacketReceived(BfdPacket packet) implements BfdEvent {}

    /** The detection timer (last {@link BfdAction.StartDetectionTimer}) ran out. */
    record DetectionTimeExpired() implements BfdEvent {}

    /** The periodic transmit timer (see {@link BfdAction.TransmitEvery}) is due. */
    record TransmitDue() implements BfdEvent {}

    /** Hold the session down on purpose (RFC 5880 section 6.8.16); the peer is told AdminDown. */
    record AdminDown() implements BfdEvent {}

    /** Leave AdminDown: the session starts over from Down. */
    record AdminUp() implements BfdEvent {}

    /** The profile passed with this event differs from the one before: apply it now (section 6.8.3). */
    record ProfileChanged() implements BfdEvent {}
}
