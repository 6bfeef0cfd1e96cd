package io.openelb.bgp.fsm;

/** The session's timers (RFC 4271 section 10); the session verticle owns them, the FSM starts and stops them. */
public enum Timer {
    CONNECT_RETRY,
    HOLD,
    KEEPALIVE
}
