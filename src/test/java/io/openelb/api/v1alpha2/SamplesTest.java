package io.openelb.api.v1alpha2;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.openelb.model.AddressRange;
import io.openelb.model.Communities;
import io.openelb.model.InvalidAddressException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OpenELB's v1alpha2 objects (the samples under manifests/samples/ are written as OpenELB's published
 * samples and docs write them) fit our CRDs field for field, and survive a trip through the Java model.
 * The samples' other objects (Services, a Secret) are the API server's to check (CrdsIT, InstallIT).
 */
class SamplesTest {
    private static final String API_VERSION = "network.kubesphere.io/v1alpha2";

    /** One object of ours in a sample file; named for the test report. */
    record Sample(Path file, Map<String, Object> object) {
        @Override
        public String toString() {
            return file.getFileName() + " " + object.get("kind");
        }
    }

    static Stream<Sample> samples() {
        return CrdFiles.yamlFiles(CrdFiles.SAMPLES).stream()
                .flatMap(file -> CrdFiles.documents(file).stream().map(doc -> new Sample(file, doc)))
                .filter(sample -> String.valueOf(sample.object().get("apiVersion")).startsWith("network.kubesphere.io/"));
    }

    @Test
    void thereIsASampleOfEachOpenElbKind() {
        List<String> kinds = samples().map(s -> (String) s.object().get("kind")).toList();

        assertThat(kinds).contains("Eip", "BgpConf", "BgpPeer", "BgpAdvertisement");
        assertThat(samples().map(s -> CrdFiles.<String>get(s.object(), "spec", "protocol")))
                .contains("bgp", "layer2");
    }

    @ParameterizedTest
    @MethodSource("samples")
    void sampleFitsTheCrdSchemaWithNoFieldPruned(Sample sample) {
        Map<String, Object> object = sample.object();
        assertThat(object.get("apiVersion")).isEqualTo(API_VERSION);

        List<String> errors = SchemaValidator.validate(object, schemaOf(object));

        assertThat(errors).as(sample.toString()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void sampleSurvivesTheJavaModelUnchanged(Sample sample) {
        Map<String, Object> original = sample.object();
        Class<? extends HasMetadata> type = CrdModelTest.RESOURCES.stream()
                .filter(r -> HasMetadata.getKind(r).equals(original.get("kind")))
                .findFirst()
                .orElseThrow();

        HasMetadata parsed = CrdFiles.SERIALIZATION.unmarshal(CrdFiles.SERIALIZATION.asJson(original), type);
        @SuppressWarnings("unchecked")
        Map<String, Object> again = CrdFiles.SERIALIZATION.unmarshal(CrdFiles.SERIALIZATION.asJson(parsed), Map.class);

        assertThat(again).isEqualTo(original);
    }

    @ParameterizedTest(name = "{0} {1}={2}")
    @CsvSource(delimiter = '|', value = {
        "eip-bgp.yaml    | spec.address            | 192.0.2.0/33      | .spec.address: must be one IP, a CIDR or a range",
        "eip-bgp.yaml    | spec.address            | 192.0.2.300       | .spec.address: must be one IP, a CIDR or a range",
        "eip-bgp.yaml    | spec.address            | pool-a            | .spec.address: must be one IP, a CIDR or a range",
        "eip-bgp.yaml    | spec.protocol           | ospf              | .spec.protocol: Unsupported value: \"ospf\"",
        "eip-bgp.yaml    | spec.adress             | 192.0.2.1         | .spec.adress: unknown field",
        "eip-bgp.yaml    | spec.namespaces         | [Bad_NS]          | .spec.namespaces[0]: should match",
        "bgpconf.yaml    | spec.as                 | 0                 | .spec.as: should be greater than or equal to 1",
        "bgpconf.yaml    | spec.as                 | 4294967296        | .spec.as: should be less than or equal to 4294967295",
        "bgpconf.yaml    | spec.listenPort         | 65536             | .spec.listenPort: should be less than or equal to 65535",
        "bgpconf.yaml    | spec.routerId           | 2001:db8::1       | .spec.routerId: must be an IPv4 address",
        "bgppeer.yaml    | spec.conf.peerAs        | -5                | .spec.conf.peerAs: should be greater than or equal to 1",
        "bgppeer.yaml    | spec.conf.neighborAddress | router-1        | .spec.conf.neighborAddress: must be an IPv4 or IPv6 address",
        "bgppeer.yaml    | spec.transport.remotePort | 0               | .spec.transport.remotePort: should be greater than or equal to 1",
        "bgppeer.yaml    | spec.ebgpMultihop.multihopTtl | 256         | .spec.ebgpMultihop.multihopTtl: should be less than or equal to 255",
        "bgpadvertisement.yaml | spec.communities  | [65536:1]        | .spec.communities[0]: should match",
        "bgpadvertisement.yaml | spec.communities  | [NO_EXPORT]      | .spec.communities[0]: should match",
        "bgpadvertisement.yaml | spec.communities  | [large:4294967296:1:1] | .spec.communities[0]: should match",
        "bgpadvertisement.yaml | spec.localPref    | -1               | .spec.localPref: should be greater than or equal to 0",
        "bgpadvertisement.yaml | spec.med          | 4294967296       | .spec.med: should be less than or equal to 4294967295",
        "bgpadvertisement.yaml | spec.aggregationLength | 33          | .spec.aggregationLength: should be less than or equal to 32",
        "bgpadvertisement.yaml | spec.aggregationLengthV6 | 129       | .spec.aggregationLengthV6: should be less than or equal to 128",
        "bgpadvertisement.yaml | spec.nodes        | [a]              | .spec.nodes: unknown field",
    })
    void invalidValueIsRejectedWithTheFieldNamed(String file, String field, String value, String error) {
        Map<String, Object> object = CrdFiles.yaml(CrdFiles.SAMPLES.resolve(file));
        set(object, field, parseScalar(value));

        assertThat(SchemaValidator.validate(object, schemaOf(object))).anySatisfy(e -> assertThat(e).contains(error));
    }

    @Test
    void missingRequiredFieldIsRejected() {
        Map<String, Object> peer = CrdFiles.yaml(CrdFiles.SAMPLES.resolve("bgppeer.yaml"));
        CrdFiles.<Map<String, Object>>get(peer, "spec", "conf").remove("peerAs");

        assertThat(SchemaValidator.validate(peer, schemaOf(peer))).contains(".spec.conf.peerAs: Required value");
    }

    /**
     * The CRD's address pattern and the controller's parser agree: what the API server lets in, the
     * controller understands, except malformed IPv6 texts that a regex cannot catch (last rows), which
     * the controller then reports in the Eip's status.
     */
    @ParameterizedTest
    @CsvSource({
        "192.0.2.1, true, true", "192.0.2.0/24, true, true", "192.0.2.1-192.0.2.9, true, true",
        "2001:db8::1, true, true", "2001:db8::/64, true, true", "2001:db8::1-2001:db8::9, true, true",
        "::/0, true, true", "0.0.0.0/0, true, true",
        "192.0.2.1/33, false, false", "192.0.2, false, false", "256.0.0.1, false, false",
        "192.0.2.1-2001:db8::1, false, false", "2001:db8::/129, false, false", "eth0, false, false",
        "'', false, false",
        "2001:db8:::1, true, false", "1::2::3, true, false",
    })
    void addressPatternAgreesWithTheParser(String address, boolean crdAccepts, boolean parserAccepts) {
        List<Map<String, Object>> rules = CrdFiles.get(CrdFiles.schema(CrdFiles.crdOfKind("Eip"), "v1alpha2"),
                "properties", "spec", "properties", "address", "x-kubernetes-validations");
        String rule = (String) rules.get(0).get("rule");
        Pattern pattern = Pattern.compile(rule.substring("self.matches('".length(), rule.length() - "')".length()));

        assertThat(pattern.matcher(address).find()).as("CRD pattern on '%s'", address).isEqualTo(crdAccepts);
        assertThat(parses(address)).as("parser on '%s'", address).isEqualTo(parserAccepts);
    }

    /**
     * The CRD's community pattern and the parser agree: what the API server lets in, the parser reads (an
     * alias-like name is then looked up in BgpConf default), and what it refuses, the parser refuses too,
     * except leading zeros, which only the CRD refuses (last row).
     */
    @ParameterizedTest
    @CsvSource({
        "65000:100, true, true", "0:0, true, true", "65535:65535, true, true", "large:1:2:3, true, true",
        "4294967295:4294967295:4294967295, true, true", "large:0:0:0, true, true", "no-export, true, true",
        "local-as, true, true", "blackhole, true, true", "accept-own, true, true",
        "65536:1, false, false", "1:65536, false, false", "large:4294967296:1:1, false, false", "1:2:3:4, false, false",
        "NO_EXPORT, false, false", "65000, false, false", "large:1:2, false, false", "'', false, false",
        "-1:1, false, false", "065000:1, false, false", "0100:1, false, true",
    })
    void communityPatternAgreesWithTheParser(String community, boolean crdAccepts, boolean parserAccepts) {
        String pattern = CrdFiles.get(CrdFiles.schema(CrdFiles.crdOfKind("BgpAdvertisement"), "v1alpha2"),
                "properties", "spec", "properties", "communities", "items", "pattern");

        assertThat(Pattern.compile(pattern).matcher(community).find()).as("CRD pattern on '%s'", community)
                .isEqualTo(crdAccepts);
        assertThat(communityParses(community)).as("parser on '%s'", community).isEqualTo(parserAccepts);
    }

    @Test
    void aliasValuePatternAcceptsNumbersAndWellKnownNamesButNoOtherName() {
        String pattern = CrdFiles.get(CrdFiles.schema(CrdFiles.crdOfKind("BgpConf"), "v1alpha2"), "properties", "spec",
                "properties", "communityAliases", "items", "properties", "value", "pattern");

        assertThat(List.of("65000:1", "large:1:2:3", "1:2:3", "no-export", "graceful-shutdown"))
                .allMatch(v -> Pattern.compile(pattern).matcher(v).find());
        assertThat(List.of("my-alias", "65536:1", "", "no_export"))
                .noneMatch(v -> Pattern.compile(pattern).matcher(v).find());
    }

    private static boolean communityParses(String community) {
        try {
            Communities.parse(community, Map.of());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean parses(String address) {
        try {
            AddressRange.parse(address);
            return true;
        } catch (InvalidAddressException e) {
            return false;
        }
    }

    private static Map<String, Object> schemaOf(Map<String, Object> object) {
        return CrdFiles.schema(CrdFiles.crdOfKind((String) object.get("kind")), "v1alpha2");
    }

    @SuppressWarnings("unchecked")
    private static void set(Map<String, Object> object, String dottedPath, Object value) {
        String[] keys = dottedPath.split("\\.");
        Map<String, Object> node = object;
        for (int i = 0; i < keys.length - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(keys[i], k -> new LinkedHashMap<>());
        }
        node.put(keys[keys.length - 1], value);
    }

    private static Object parseScalar(String text) {
        if (text.startsWith("[") && text.endsWith("]")) {
            return List.of(text.substring(1, text.length() - 1));
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return text;
        }
    }
}
