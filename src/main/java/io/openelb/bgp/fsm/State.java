package io.openelb.bgp.fsm;

/** RFC 4271 section 8.2.2 session states. */
public enum State {
    IDLE,
    CONNECT,
    ACTIVE,
    OPEN_SENT,
    OPEN_CONFIRM,
    ESTABLISHED
}
