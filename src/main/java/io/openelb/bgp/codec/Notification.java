package io.openelb.bgp.codec;

import java.util.Arrays;
import java.util.HexFormat;

/** NOTIFICATION (RFC 4271 section 4.5): the session ends with this error code, subcode and data. */
public record Notification(int code, int subcode, byte[] data) implements BgpMessage {
    public Notification {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public int type() {
        return NOTIFICATION;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Notification n && n.code == code && n.subcode == subcode && Arrays.equals(n.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * code + subcode) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Notification[" + code + "/" + subcode + (data.length > 0 ? " " + HexFormat.of().formatHex(data) : "") + "]";
    }
}
