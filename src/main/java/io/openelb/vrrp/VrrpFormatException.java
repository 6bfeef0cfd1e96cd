package io.openelb.vrrp;

/**
 * A received packet that is no valid VRRP v3 advertisement; the message says which check failed. Carries
 * no stack trace: any host on the link can send many.
 */
public final class VrrpFormatException extends Exception {
    public VrrpFormatException(String message) {
        super(message, null, false, false);
    }
}
