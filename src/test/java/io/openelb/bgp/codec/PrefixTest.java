package io.openelb.bgp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openelb.model.IpAddress;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrefixTest {
    @ParameterizedTest
    @CsvSource({"192.0.2.77, 24, 192.0.2.0", "192.0.2.77, 32, 192.0.2.77", "192.0.2.77, 0, 0.0.0.0",
            "192.0.2.77, 30, 192.0.2.76", "2001:db8:1:2:3::9, 64, 2001:db8:1:2::", "2001:db8::9, 128, 2001:db8::9",
            "2001:db8::ffff, 113, 2001:db8::8000"})
    void theCoveringPrefixClearsTheHostBits(String address, int length, String network) {
        Prefix covering = Prefix.covering(IpAddress.parse(address), length, 7);

        assertThat(covering).isEqualTo(new Prefix(IpAddress.parse(network), length, 7));
    }

    @Test
    void aLengthWiderThanTheFamilyIsRefused() {
        assertThatThrownBy(() -> Prefix.covering(IpAddress.parse("192.0.2.1"), 33, Prefix.NO_PATH_ID))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix length 33");
    }

    @Test
    void prefixesOrderByAddressThenLengthThenPath() {
        IpAddress network = IpAddress.parse("192.0.2.0");
        Prefix aggregate = new Prefix(network, 24);
        Prefix host = Prefix.host(network);
        Prefix aggregatePath = new Prefix(network, 24, 1);
        Prefix next = Prefix.host(IpAddress.parse("192.0.2.1"));

        assertThat(new TreeSet<>(List.of(next, host, aggregatePath, aggregate)))
                .containsExactly(aggregate, aggregatePath, host, next);
    }
}
