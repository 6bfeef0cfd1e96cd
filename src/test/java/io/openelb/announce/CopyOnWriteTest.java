package io.openelb.announce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CopyOnWriteTest {
    @Test
    void aSetGrowsAndShrinksByCopiesAndIsDroppedWhenEmpty() {
        Set<String> one = CopyOnWrite.plus(null, "ns/a");
        Set<String> two = CopyOnWrite.plus(one, "ns/b");

        assertThat(one).containsExactly("ns/a");
        assertThat(two).containsExactlyInAnyOrder("ns/a", "ns/b");
        assertThat(CopyOnWrite.plus(two, "ns/a")).as("already there: the same set").isSameAs(two);
        assertThat(CopyOnWrite.minus(two, "ns/a")).containsExactly("ns/b");
        assertThat(CopyOnWrite.minus(two, "ns/c")).isSameAs(two);
        assertThat(CopyOnWrite.minus(one, "ns/a")).as("empty: null, so that compute removes it").isNull();
        assertThatThrownBy(() -> two.add("ns/c")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aMapReplacesAValueAddsAKeyAndIsDroppedWhenEmpty() {
        Map<String, Integer> one = CopyOnWrite.plus(null, "slice-a", 1);
        Map<String, Integer> replaced = CopyOnWrite.plus(one, "slice-a", 2);
        Map<String, Integer> two = CopyOnWrite.plus(replaced, "slice-b", 3);

        assertThat(one).containsExactly(Map.entry("slice-a", 1));
        assertThat(replaced).containsExactly(Map.entry("slice-a", 2));
        assertThat(two).containsOnly(Map.entry("slice-a", 2), Map.entry("slice-b", 3));
        assertThat(CopyOnWrite.minus(two, "slice-a")).containsExactly(Map.entry("slice-b", 3));
        assertThat(CopyOnWrite.minus(two, "slice-c")).isSameAs(two);
        assertThat(CopyOnWrite.minus(replaced, "slice-a")).isNull();
    }
}
