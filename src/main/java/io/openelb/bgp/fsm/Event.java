package io.openelb.bgp.fsm;

import io.openelb.bgp.codec.BgpError;
import io.openelb.bgp.codec.BgpMessage;

/** What happened to a session: an operator's command, the socket, a message, or a timer. */
public sealed interface Event {
    /** Bring the session up (configuration present). */
    record Start() implements Event {}

    /** Take the session down on purpose (peer removed, shutdown): a Cease is sent. */
    record Stop(String reason) implements Event {}

    record TcpConnected() implements Event {}

    record TcpFailed(String why) implements Event {}

    record MessageReceived(BgpMessage message) implements Event {}

    /** The peer sent bytes that do not decode. */
    record DecodeFailed(BgpError error) implements Event {}

    record TimerExpired(Timer timer) implements Event {}
}
