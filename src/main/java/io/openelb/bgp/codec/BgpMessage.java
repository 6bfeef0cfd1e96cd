package io.openelb.bgp.codec;

/** A BGP-4 message (RFC 4271 section 4); decode and encode with {@link BgpCodec}. */
public sealed interface BgpMessage permits Open, Update, Keepalive, Notification, RouteRefresh {
    /** RFC 4271 section 4.1 message types. */
    int OPEN = 1;
    int UPDATE = 2;
    int NOTIFICATION = 3;
    int KEEPALIVE = 4;
    /** RFC 2918. */
    int ROUTE_REFRESH = 5;

    int type();
}
