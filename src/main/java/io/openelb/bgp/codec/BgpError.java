package io.openelb.bgp.codec;

import java.util.Arrays;

/**
 * A protocol error found while decoding or handling a peer's message, ready to be sent as a
 * NOTIFICATION (RFC 4271 section 4.5 and 6). Codes and subcodes are the RFC's.
 */
public final class BgpError extends RuntimeException {
    // RFC 4271 section 4.5: error codes
    public static final int MESSAGE_HEADER = 1;
    public static final int OPEN_MESSAGE = 2;
    public static final int UPDATE_MESSAGE = 3;
    public static final int HOLD_TIMER_EXPIRED = 4;
    public static final int FSM = 5;
    public static final int CEASE = 6;
    // section 6.1: message header error subcodes
    public static final int CONNECTION_NOT_SYNCHRONIZED = 1;
    public static final int BAD_MESSAGE_LENGTH = 2;
    public static final int BAD_MESSAGE_TYPE = 3;
    // section 6.2: OPEN message error subcodes
    public static final int UNSUPPORTED_VERSION = 1;
    public static final int BAD_PEER_AS = 2;
    public static final int BAD_BGP_IDENTIFIER = 3;
    public static final int UNSUPPORTED_OPTIONAL_PARAMETER = 4;
    public static final int UNACCEPTABLE_HOLD_TIME = 6;
    // section 6.3: UPDATE message error subcodes
    public static final int MALFORMED_ATTRIBUTE_LIST = 1;
    public static final int ATTRIBUTE_LENGTH_ERROR = 5;
    public static final int INVALID_ORIGIN_ATTRIBUTE = 6;
    public static final int INVALID_NEXT_HOP_ATTRIBUTE = 8;
    public static final int OPTIONAL_ATTRIBUTE_ERROR = 9;
    public static final int MALFORMED_AS_PATH = 11;
    public static final int INVALID_NETWORK_FIELD = 10;
    // RFC 4486: Cease subcodes
    public static final int ADMINISTRATIVE_SHUTDOWN = 2;
    public static final int ADMINISTRATIVE_RESET = 4;
    public static final int CONNECTION_COLLISION_RESOLUTION = 7;

    private final int code;
    private final int subcode;
    private final byte[] data;
    private final boolean treatAsWithdraw;

    public BgpError(int code, int subcode, byte[] data, String message) {
        this(code, subcode, data, message, false);
    }

    private BgpError(int code, int subcode, byte[] data, String message, boolean treatAsWithdraw) {
        super(message, null, false, false);
        this.code = code;
        this.subcode = subcode;
        this.data = data.clone();
        this.treatAsWithdraw = treatAsWithdraw;
    }

    /**
     * An UPDATE whose structure is sound but an attribute's value is not: RFC 7606 has the receiver treat
     * its routes as withdrawn and keep the session, instead of resetting it.
     */
    public static BgpError treatAsWithdraw(int subcode, String message) {
        return new BgpError(UPDATE_MESSAGE, subcode, new byte[0], message, true);
    }

    public boolean treatAsWithdraw() {
        return treatAsWithdraw;
    }

    public BgpError(int code, int subcode, String message) {
        this(code, subcode, new byte[0], message);
    }

    public int code() {
        return code;
    }

    public int subcode() {
        return subcode;
    }

    public byte[] data() {
        return data.clone();
    }

    /** The NOTIFICATION that tells the peer about this error. */
    public Notification toNotification() {
        return new Notification(code, subcode, data);
    }

    @Override
    public String toString() {
        return "BgpError(" + code + "/" + subcode + (data.length > 0 ? " data " + Arrays.toString(data) : "") + "): "
                + getMessage();
    }
}
