/**
 * Bidirectional Forwarding Detection, asynchronous mode (RFC 5880; IP encapsulation RFC 5881 single hop,
 * RFC 5883 multihop), pure: imports only java.*. {@link io.openelb.bfd.BfdPacket} is the control packet
 * and its reception checks; {@code BfdSession.step(profile, event)} is the state machine and returns the
 * next state with the actions (send, timers, notify the client), which the BFD shell carries out. No
 * sockets and no clocks here: the shell owns the UDP socket (TTL 255), the timers and the jitter.
 *
 * <p>Not supported: authentication (a packet with the A bit is discarded), the Echo function (we advertise
 * a Required Min Echo RX Interval of 0), Demand mode for ourselves (we never set D; a peer's D is obeyed).
 */
package io.openelb.bfd;
