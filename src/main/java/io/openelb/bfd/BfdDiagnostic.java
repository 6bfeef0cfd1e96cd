package io.openelb.bfd;

import java.util.Optional;

/**
 * The Diagnostic (Diag) codes of RFC 5880 section 4.1: the sender's reason for its last session state
 * change. Values 9-31 are reserved; a received packet keeps its raw value ({@link BfdPacket#diagnostic()}).
 */
public enum BfdDiagnostic {
    NONE(0),
    CONTROL_DETECTION_TIME_EXPIRED(1),
    ECHO_FUNCTION_FAILED(2),
    NEIGHBOR_SIGNALED_SESSION_DOWN(3),
    FORWARDING_PLANE_RESET(4),
    PATH_DOWN(5),
    CONCATENATED_PATH_DOWN(6),
    ADMINISTRATIVELY_DOWN(7),
    REVERSE_CONCATENATED_PATH_DOWN(8);

    private final int code;

    BfdDiagnostic(int code) {
        this.code = code;
    }

    /** The 5-bit wire value. */
    public int code() {
        return code;
    }

    /** The diagnostic for a wire value, empty for the reserved values 9-31. */
    public static Optional<BfdDiagnostic> of(int code) {
        return code >= 0 && code < values().length ? Optional.of(values()[code]) : Optional.empty();
    }
}
