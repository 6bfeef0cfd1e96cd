package io.openelb.bgp.codec;

/** KEEPALIVE (RFC 4271 section 4.4): a header and nothing else. */
public record Keepalive() implements BgpMessage {
    public static final Keepalive INSTANCE = new Keepalive();

    @Override
    public int type() {
        return KEEPALIVE;
    }
}
