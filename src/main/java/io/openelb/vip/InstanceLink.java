package io.openelb.vip;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.vrrp.VrrpAdvert;
import io.vertx.core.Future;

/**
 * What a {@link VrrpInstance} needs of its interface: {@link VrrpLink} in the program, a fake in tests.
 * Called on the instance's context.
 */
interface InstanceLink {
    String iface();

    Future<Void> send(VrrpAdvert advert);

    Future<Void> announce(IpAddress address);

    IpAddress primary(IpFamily family);

    boolean up();

    /** Whether the interface was deleted and created again since the link was opened (it stays down). */
    default boolean recreated() {
        return false;
    }

    static InstanceLink of(VrrpLink link) {
        return new InstanceLink() {
            @Override
            public String iface() {
                return link.iface();
            }

            @Override
            public Future<Void> send(VrrpAdvert advert) {
                return link.send(advert);
            }

            @Override
            public Future<Void> announce(IpAddress address) {
                return link.announce(address);
            }

            @Override
            public IpAddress primary(IpFamily family) {
                return link.primary(family);
            }

            @Override
            public boolean up() {
                return link.up();
            }

            @Override
            public boolean recreated() {
                return link.recreated();
            }
        };
    }
}
