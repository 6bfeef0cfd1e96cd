package io.openelb.bgp.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/** NOTIFICATION (RFC 4271 section 4.5): the session ends with this error code, subcode and data. */
public record Notification(int code, int subcode, byte[] data) implements BgpMessage {
    /**
     * What we send at most as a shutdown communication: RFC 9003 allows 255 octets, but a peer that
     * implements only RFC 8203 takes more than 128 as malformed.
     */
    public static final int MAX_SENT_COMMUNICATION = 128;

    public Notification {
        data = data.clone();
    }

    /**
     * A Cease (RFC 4486) with a shutdown communication (RFC 8203, RFC 9003 section 2): a length octet and
     * UTF-8 text, cut at a character boundary to {@link #MAX_SENT_COMMUNICATION} octets. An empty
     * communication sends no data at all, as the routers do.
     */
    public static Notification cease(int subcode, String communication) {
        byte[] text = communication.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, MAX_SENT_COMMUNICATION);
        while (length < text.length && (text[length] & 0xc0) == 0x80) { // a continuation byte: cut before its start
            length--;
        }
        byte[] data = new byte[length == 0 ? 0 : length + 1];
        if (length > 0) {
            data[0] = (byte) length;
            System.arraycopy(text, 0, data, 1, length);
        }
        return new Notification(BgpError.CEASE, subcode, data);
    }

    /**
     * The shutdown communication of a Cease / Administrative Shutdown or Administrative Reset (RFC 9003
     * section 2), readable in a log line: the text in double quotes (control characters escaped), or, when
     * its length octet does not match the data or the text is not UTF-8, the data in hex, marked as malformed
     * (section 4: log it, never fail). Empty for another NOTIFICATION, or one without a communication.
     */
    public Optional<String> shutdownCommunication() {
        boolean mayCarry = code == BgpError.CEASE
                && (subcode == BgpError.ADMINISTRATIVE_SHUTDOWN || subcode == BgpError.ADMINISTRATIVE_RESET);
        if (!mayCarry || data.length == 0 || data.length == 1 && data[0] == 0) {
            return Optional.empty();
        }
        if ((data[0] & 0xff) == data.length - 1) {
            try {
                String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(data, 1, data.length - 1)).toString();
                return Optional.of('"' + escapeControls(text) + '"');
            } catch (CharacterCodingException e) {
                // not UTF-8: shown as hex below
            }
        }
        return Optional.of("malformed shutdown communication, hex " + HexFormat.of().formatHex(data));
    }

    /** A peer's text goes into our logs and status: no line breaks or terminal escapes from it. */
    private static String escapeControls(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
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
