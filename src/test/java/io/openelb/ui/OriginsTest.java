package io.openelb.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.HostAndPort;
import org.junit.jupiter.api.Test;

class OriginsTest {
    private static boolean same(String origin, String scheme, String host, int port) {
        return Origins.sameOrigin(origin, scheme, HostAndPort.create(host, port));
    }

    @Test
    void ownSchemeHostAndPortIsTheSameOrigin() {
        assertThat(same("http://localhost:8080", "http", "localhost", 8080)).isTrue();
        assertThat(same("HTTP://LocalHost:8080", "http", "localhost", 8080)).isTrue();
    }

    @Test
    void defaultPortMayBeLeftOutOnEitherSide() {
        assertThat(same("https://openelb.example", "https", "openelb.example", 443)).isTrue();
        assertThat(same("https://openelb.example:443", "https", "openelb.example", -1)).isTrue();
        assertThat(same("http://openelb.example", "http", "openelb.example", -1)).isTrue();
        assertThat(same("http://openelb.example", "http", "openelb.example", 8080)).isFalse();
    }

    @Test
    void ipv6HostMatchesWithOrWithoutBrackets() {
        assertThat(same("http://[::1]:8080", "http", "[::1]", 8080)).isTrue();
        assertThat(same("http://[::1]:8080", "http", "::1", 8080)).isTrue();
    }

    @Test
    void anotherSchemeHostOrPortIsForeign() {
        assertThat(same("https://localhost:8080", "http", "localhost", 8080)).isFalse();
        assertThat(same("http://evil.example:8080", "http", "localhost", 8080)).isFalse();
        assertThat(same("http://localhost:8081", "http", "localhost", 8080)).isFalse();
        assertThat(same("http://localhost.evil.example:8080", "http", "localhost", 8080)).isFalse();
    }

    @Test
    void opaqueOrMalformedOriginIsForeign() {
        assertThat(same("null", "http", "localhost", 8080)).isFalse();
        assertThat(same("http://local host", "http", "localhost", 8080)).isFalse();
        assertThat(same("http://localhost:8080/ui/", "http", "localhost", 8080)).isFalse();
        assertThat(same("", "http", "localhost", 8080)).isFalse();
    }
}
