package io.openelb.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommunitiesTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "65000:100,           4259840100",
        "0:0,                 0",
        "65535:65535,         4294967295",
        "' 65000:1 ',         4259840001",
        "no-export,           4294967041",
        "no-advertise,        4294967042",
        "no-export-subconfed, 4294967043",
        "local-as,            4294967043",
        "no-peer,             4294967044",
        "blackhole,           4294902426",
        "graceful-shutdown,   4294901760",
        "accept-own,          4294901761",
    })
    void standardAndWellKnownCommunitiesAreTheir32BitValue(String text, long value) {
        Communities parsed = Communities.parse(text, Map.of());

        assertThat(parsed.standard()).containsExactly(value);
        assertThat(parsed.large()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"large:1:2:3", "1:2:3"})
    void largeCommunityIsWrittenWithOrWithoutItsPrefix(String text) {
        assertThat(Communities.parse(text, Map.of()).large()).containsExactly(new Communities.Large(1, 2, 3));
    }

    @Test
    void largeCommunityTakesThreeFull32BitParts() {
        assertThat(Communities.parse("4294967295:0:4294967295", Map.of()).large())
                .containsExactly(new Communities.Large(4294967295L, 0, 4294967295L));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "65536:1               | '65536:1': each half of a standard community is 0 to 65535",
        "1:65536               | '1:65536': each half of a standard community is 0 to 65535",
        "large:4294967296:1:1  | 'large:4294967296:1:1': each part of a large community is 0 to 4294967295",
        "NO_EXPORT             | 'NO_EXPORT' is not a community",
        "65000                 | '65000' is not a community",
        "1:2:3:4               | '1:2:3:4' is not a community",
        "large:1:2             | 'large:1:2' is not a community",
        "''                    | '' is not a community",
        "my-alias              | 'my-alias' is not a community",
    })
    void badTextIsRefusedWithTheTextInTheMessage(String text, String message) {
        assertThatThrownBy(() -> Communities.parse(text, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void theRefusalListsTheFormsThatAreAccepted() {
        assertThatThrownBy(() -> Communities.parse("x", Map.of()))
                .hasMessageContaining("65000:100").hasMessageContaining("large:1:2:3")
                .hasMessageContaining("no-export").hasMessageContaining("communityAliases");
    }

    @Test
    void formatPrintsWellKnownNamesAndHalves() {
        assertThat(Communities.format(0xFFFF_FF01L)).isEqualTo("no-export");
        assertThat(Communities.format(0xFFFF_FF03L)).as("the RFC name before FRR's alias").isEqualTo("no-export-subconfed");
        assertThat(Communities.format(65000L << 16 | 100)).isEqualTo("65000:100");
        assertThat(Communities.parse("65000:100", Map.of()).union(Communities.parse("1:2:3", Map.of()))
                .union(Communities.parse("no-export", Map.of())))
                .hasToString("65000:100,no-export,large:1:2:3");
    }

    @Test
    void unionKeepsEachCommunityOnce() {
        Communities a = Communities.parse("65000:1", Map.of()).union(Communities.parse("1:2:3", Map.of()));
        Communities b = Communities.parse("65000:1", Map.of()).union(Communities.parse("65000:2", Map.of()));

        Communities both = a.union(b);

        assertThat(both.standard()).containsExactly(65000L << 16 | 1, 65000L << 16 | 2);
        assertThat(both.large()).containsExactly(new Communities.Large(1, 2, 3));
        assertThat(Communities.NONE.union(a)).isEqualTo(a);
    }

    @Test
    void aliasStandsForItsValueAndCannotShadowAWellKnownName() {
        CommunityAliases aliases = CommunityAliases.of(List.of(
                new CommunityAliases.Alias("rack-a-only", "65000:300"),
                new CommunityAliases.Alias("customer", "large:65000:7:8"),
                new CommunityAliases.Alias("keep-inside", "no-export")));

        assertThat(aliases.errors()).isEmpty();
        assertThat(aliases.parse("rack-a-only").standard()).containsExactly(65000L << 16 | 300);
        assertThat(aliases.parse("customer").large()).containsExactly(new Communities.Large(65000, 7, 8));
        assertThat(aliases.parse("keep-inside").standard()).containsExactly(0xFFFF_FF01L);
        assertThat(aliases.parse("65000:1").standard()).as("numbers still parse").containsExactly(65000L << 16 | 1);
    }

    @Test
    void badAliasesAreReportedWithTheirFieldAndTheOthersStayUsable() {
        CommunityAliases aliases = CommunityAliases.of(List.of(
                new CommunityAliases.Alias("good", "65000:1"),
                new CommunityAliases.Alias("no-export", "65000:2"),
                new CommunityAliases.Alias("Bad_Name", "65000:3"),
                new CommunityAliases.Alias("good", "65000:4"),
                new CommunityAliases.Alias("loop", "good"),
                new CommunityAliases.Alias("big", "70000:1")));

        assertThat(aliases.byName()).containsOnlyKeys("good");
        assertThat(aliases.parse("good").standard()).containsExactly(65000L << 16 | 1);
        assertThat(aliases.errors()).containsExactly(
                "spec.communityAliases[1].name: 'no-export' is a well-known community already",
                "spec.communityAliases[2].name: 'Bad_Name' is not a name (lower case letters, digits and '-',"
                        + " starting with a letter, at most 63)",
                "spec.communityAliases[3].name: 'good' is defined twice; the first one is used",
                "spec.communityAliases[4].value: 'good' is not a community: write 65000:100, large:1:2:3 (or 1:2:3),"
                        + " a well-known name (no-export, no-advertise, no-export-subconfed, local-as, no-peer,"
                        + " blackhole, graceful-shutdown, accept-own) or an alias of BgpConf default's"
                        + " spec.communityAliases",
                "spec.communityAliases[5].value: '70000:1': each half of a standard community is 0 to 65535"
                        + " (write a large community as large:a:b:c)");
    }
}
