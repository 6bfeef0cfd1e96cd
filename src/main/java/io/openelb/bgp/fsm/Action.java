package io.openelb.bgp.fsm;

import io.openelb.bgp.codec.BgpMessage;
import java.time.Duration;

/** What the session verticle must do after a transition, in order. */
public sealed interface Action {
    /** Open a TCP connection to the peer. */
    record Connect() implements Action {}

    /** Close the TCP connection (after sending what came before). */
    record Close() implements Action {}

    record Send(BgpMessage message) implements Action {}

    /** Make the peer's incoming connection this session's connection (any own connection is closed already). */
    record AdoptIncoming() implements Action {}

    /** Send this on the peer's incoming connection and close it; the session keeps its own. */
    record RefuseIncoming(BgpMessage notification) implements Action {}

    record StartTimer(Timer timer, Duration after) implements Action {}

    record StopTimer(Timer timer) implements Action {}

    /** The session is Established with these terms: announce everything. */
    record SessionUp(Negotiated negotiated) implements Action {}

    /** The session left Established (or never got there): forget what was announced. */
    record SessionDown(String reason) implements Action {}

    /** The peer asked for our routes again (RFC 2918): send them all. */
    record ResendAll() implements Action {}
}
