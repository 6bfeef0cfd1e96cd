package io.openelb.bfd;

/** A BFD session state and its code in the State (Sta) field (RFC 5880 section 4.1). */
public enum BfdState {
    ADMIN_DOWN(0),
    DOWN(1),
    INIT(2),
    UP(3);

    private final int code;

    BfdState(int code) {
        this.code = code;
    }

    /** The 2-bit wire value. */
    public int code() {
        return code;
    }

    /** The state for a 2-bit wire value (every value 0..3 is defined). */
    public static BfdState of(int code) {
        return values()[code & 3];
    }
}
