package io.openelb.bgp.codec;

import java.util.List;

/** UPDATE (RFC 4271 section 4.3): IPv4 withdrawals and NLRI in the body, other families in MP attributes. */
public record Update(List<Prefix> withdrawn, List<PathAttribute> attributes, List<Prefix> nlri)
        implements BgpMessage {
    public Update {
        withdrawn = List.copyOf(withdrawn);
        attributes = List.copyOf(attributes);
        nlri = List.copyOf(nlri);
    }

    @Override
    public int type() {
        return UPDATE;
    }
}
