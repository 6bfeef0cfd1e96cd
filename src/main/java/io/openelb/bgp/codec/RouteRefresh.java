package io.openelb.bgp.codec;

/** ROUTE-REFRESH (RFC 2918): the peer asks for the Adj-RIB-Out of one family again. */
public record RouteRefresh(int afi, int safi) implements BgpMessage {
    @Override
    public int type() {
        return ROUTE_REFRESH;
    }
}
