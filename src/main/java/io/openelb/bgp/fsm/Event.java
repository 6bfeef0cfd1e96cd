package io.openelb.bgp.fsm;

import io.openelb.bgp.codec.BgpError;
import io.openelb.bgp.codec.BgpMessage;

/** What happened to a session: an operator's command, the socket, a message, or a timer. */
public sealed interface Event {
    /** Bring the session up (configuration present). */
    record Start() implements Event {}

    /**
     * Take the session down on purpose (peer removed, shutdown): a Cease / Administrative Shutdown is sent
     * with {@code communication} for the peer's operator (RFC 8203; "" for none), unless the process is
     * restarting and graceful restart was negotiated: then the connection just closes, so that the peer
     * keeps our routes until we are back (RFC 4724).
     *
     * @param reason why, for our log and status
     */
    record Stop(String reason, boolean restarting, String communication) implements Event {
        /** Without a shutdown communication. */
        public Stop(String reason, boolean restarting) {
            this(reason, restarting, "");
        }
    }

    record TcpConnected() implements Event {}

    /** The peer opened a connection to our listener while this session exists (RFC 4271 section 6.8). */
    record Incoming() implements Event {}

    record TcpFailed(String why) implements Event {}

    /** BFD found the forwarding path to the router down (RFC 5882 section 4.2): the session goes down at once. */
    record PathDown(String why) implements Event {}

    record MessageReceived(BgpMessage message) implements Event {}

    /**
     * A message of a type the state does not take (RFC 6608), its body not decoded: see
     * {@link Session#eventFor(byte[])}.
     */
    record UnexpectedMessage(int type) implements Event {}

    /** The peer sent bytes that do not decode. */
    record DecodeFailed(BgpError error) implements Event {}

    record TimerExpired(Timer timer) implements Event {}
}
