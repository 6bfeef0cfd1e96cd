package io.openelb.model;

/** An Eip address that cannot be parsed; the message names the culprit and fits a status condition. */
public final class InvalidAddressException extends IllegalArgumentException {
    public InvalidAddressException(String message) {
        super(message);
    }
}
