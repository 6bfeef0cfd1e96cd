package io.openelb.ipam;

/** Why a Service got no address; the message is written for the user (Event, log line). */
public record AllocationError(Reason reason, String message) {

    /** Machine-readable reason, also the Event reason suffix and a metric label. */
    public enum Reason {
        UNKNOWN_POOL,
        POOL_DISABLED,
        POOL_EXHAUSTED,
        NO_POOL_FOR_NAMESPACE,
        ADDRESS_OUTSIDE_POOLS,
        ADDRESS_UNUSABLE,
        ADDRESS_IN_USE,
        FAMILY_UNAVAILABLE,
        INVALID_REQUEST
    }

    @Override
    public String toString() {
        return reason + ": " + message;
    }
}
