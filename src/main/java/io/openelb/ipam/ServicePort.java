package io.openelb.ipam;

/** A port a Service exposes on its load-balancer IP; two Services can share an IP only if these differ. */
public record ServicePort(String protocol, int port) {
    @Override
    public String toString() {
        return port + "/" + protocol;
    }
}
