package io.openelb.status;

import io.openelb.model.IpAddress;
import java.util.List;

/** What the status needs of one LoadBalancer Service: its key, the addresses in its status, its protocols. */
public record ServiceAddresses(String service, List<IpAddress> addresses, List<String> protocols) {
    public ServiceAddresses {
        addresses = List.copyOf(addresses);
        protocols = List.copyOf(protocols);
    }
}
