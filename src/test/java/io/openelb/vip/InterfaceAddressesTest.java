package io.openelb.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openelb.model.IpAddress;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Against this machine's kernel read-only (a dump needs no privilege and changes nothing), and the
 * failure messages.
 */
class InterfaceAddressesTest {
    @Test
    void listsTheLoopbackAddressOfLo() throws IOException {
        assertThat(InterfaceAddresses.list("lo")).contains(IpAddress.parse("127.0.0.1"));
    }

    @Test
    void namesAnInterfaceThatDoesNotExistBeforeAskingTheKernel() {
        assertThatThrownBy(() -> InterfaceAddresses.add("openelb-none0", IpAddress.parse("10.0.0.5")))
                .isInstanceOf(IOException.class)
                .hasMessage("interface openelb-none0 does not exist");
        assertThatThrownBy(() -> InterfaceAddresses.list("openelb-none0"))
                .isInstanceOf(IOException.class)
                .hasMessage("interface openelb-none0 does not exist");
    }

    @Test
    void saysThatAPermissionErrorNeedsCapNetAdmin() {
        assertThat(InterfaceAddresses.failure("adding 10.0.0.5/32 to eth0", Errno.EPERM))
                .hasMessage("adding 10.0.0.5/32 to eth0: Operation not permitted (EPERM);"
                        + " the speaker needs CAP_NET_ADMIN");
    }

    @Test
    void saysThatATimeoutIsAKernelThatDidNotAnswer() {
        assertThat(InterfaceAddresses.failure("listing the addresses of eth0", Errno.EAGAIN))
                .hasMessage("listing the addresses of eth0: Resource temporarily unavailable (EAGAIN);"
                        + " the kernel did not answer within 5 s");
    }
}
