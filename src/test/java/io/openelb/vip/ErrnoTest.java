package io.openelb.vip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrnoTest {
    @Test
    void describesAKnownErrnoByMessageAndName() {
        assertThat(Errno.describe(1)).isEqualTo("Operation not permitted (EPERM)");
        assertThat(Errno.describe(99)).isEqualTo("Cannot assign requested address (EADDRNOTAVAIL)");
    }

    @Test
    void describesAnUnknownErrnoByNumber() {
        assertThat(Errno.describe(4095)).isEqualTo("errno 4095");
    }
}
