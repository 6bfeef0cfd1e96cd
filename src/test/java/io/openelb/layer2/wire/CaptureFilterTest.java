package io.openelb.layer2.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.model.IpAddress;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CaptureFilterTest {
    private static final MacAddress OURS = MacAddress.parse("02:00:00:00:00:0b");

    @Test
    void listsEachOwnedTargetByFamilyAndDropsOurOwnFrames() {
        String f = CaptureFilter.of(Set.of(IpAddress.parse("10.77.0.100"), IpAddress.parse("fd77::100")), OURS);

        assertThat(f).isEqualTo("((arp and arp[6:2] = 1 and ((arp[24:4] = 0x0a4d0064))) or "
                + "(icmp6 and ip6[40] = 135 and ((ip6[48:4] = 0xfd770000 and ip6[52:4] = 0x00000000 and "
                + "ip6[56:4] = 0x00000000 and ip6[60:4] = 0x00000100)))) and not ether src 02:00:00:00:00:0b");
    }

    @Test
    void nothingOwnedMatchesNothing() {
        assertThat(CaptureFilter.of(Set.of(), OURS)).isEqualTo(CaptureFilter.NOTHING);
    }

    @Test
    void manyTargetsFallBackToEveryRequestOfTheFamily() {
        List<IpAddress> many = IntStream.range(0, CaptureFilter.MAX_LISTED + 1)
                .mapToObj(i -> IpAddress.parse("10.77.0.0").plus(i)).toList();

        assertThat(CaptureFilter.of(many, OURS))
                .isEqualTo("((arp and arp[6:2] = 1)) and not ether src 02:00:00:00:00:0b");
    }
}
