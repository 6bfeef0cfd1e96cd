package io.openelb.api.v1alpha2;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The YAMLs in crds/ and the Java model describe the same resources, field for field. */
class CrdModelTest {
    static final List<Class<? extends CustomResource<?, ?>>> RESOURCES = List.of(Eip.class, BgpConf.class, BgpPeer.class,
            BgpAdvertisement.class);

    @Test
    void everyCrdFileParsesAndBelongsToAModelClass() {
        List<Path> files = CrdFiles.yamlFiles(CrdFiles.CRDS);
        assertThat(files).hasSize(RESOURCES.size());
        Set<String> kinds = files.stream()
                .map(f -> {
                    var crd = CrdFiles.SERIALIZATION.unmarshal(CrdFiles.read(f),
                            io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class);
                    assertThat(crd.getMetadata().getName()).as(f.toString())
                            .isEqualTo(crd.getSpec().getNames().getPlural() + "." + crd.getSpec().getGroup());
                    return crd.getSpec().getNames().getKind();
                })
                .collect(Collectors.toSet());
        assertThat(kinds).containsExactlyInAnyOrder(
                RESOURCES.stream().map(HasMetadata::getKind).toArray(String[]::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Eip", "BgpConf", "BgpPeer", "BgpAdvertisement"})
    void namesScopeAndVersionsMatchTheModel(String kind) {
        Class<? extends CustomResource<?, ?>> type = resource(kind);
        Map<String, Object> crd = CrdFiles.crdOfKind(kind);

        assertThat(CrdFiles.<String>get(crd, "metadata", "name")).isEqualTo(CustomResource.getCRDName(type));
        assertThat(CrdFiles.<String>get(crd, "spec", "group")).isEqualTo(HasMetadata.getGroup(type));
        assertThat(CrdFiles.<String>get(crd, "spec", "names", "plural")).isEqualTo(HasMetadata.getPlural(type));
        assertThat(CrdFiles.<String>get(crd, "spec", "scope"))
                .isEqualTo(Namespaced.class.isAssignableFrom(type) ? "Namespaced" : "Cluster");
        assertThat(CrdFiles.<List<String>>get(crd, "spec", "names", "categories")).contains("openelb");
        assertThat(CrdFiles.<List<String>>get(crd, "spec", "names", "shortNames")).isNotEmpty();

        Map<String, Object> served = CrdFiles.version(crd, HasMetadata.getVersion(type)).orElseThrow();
        assertThat(served).containsEntry("served", true).containsEntry("storage", true);
        assertThat(CrdFiles.<Map<String, Object>>get(served, "subresources", "status")).isEmpty();
        assertThat(CrdFiles.<List<?>>get(served, "additionalPrinterColumns")).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Eip", "BgpConf", "BgpPeer", "BgpAdvertisement"})
    void schemaHasExactlyTheModelsFields(String kind) {
        Class<? extends CustomResource<?, ?>> type = resource(kind);
        Map<String, Object> schema = CrdFiles.schema(CrdFiles.crdOfKind(kind), HasMetadata.getVersion(type));
        Type[] specAndStatus = ((ParameterizedType) type.getGenericSuperclass()).getActualTypeArguments();
        List<String> differences = new ArrayList<>();

        compare((Class<?>) specAndStatus[0], CrdFiles.get(schema, "properties", "spec"), kind + ".spec", differences);
        compare((Class<?>) specAndStatus[1], CrdFiles.get(schema, "properties", "status"), kind + ".status",
                differences);

        assertThat(differences).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Eip", "BgpConf", "BgpPeer", "BgpAdvertisement"})
    void everySchemaFieldIsDescribedForKubectlExplain(String kind) {
        Map<String, Object> spec = CrdFiles.get(CrdFiles.schema(CrdFiles.crdOfKind(kind), "v1alpha2"), "properties", "spec");
        List<String> undescribed = new ArrayList<>();
        Map<String, Map<String, Object>> fields = CrdFiles.get(spec, "properties");
        assertThat(fields).as(kind + ".spec fields").isNotEmpty();
        fields.forEach((name, field) -> {
            if (!field.containsKey("description")) {
                undescribed.add(kind + ".spec." + name);
            }
        });
        assertThat(undescribed).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends CustomResource<?, ?>> resource(String kind) {
        return RESOURCES.stream().filter(r -> HasMetadata.getKind(r).equals(kind)).findFirst().orElseThrow();
    }

    /** Walks a model class and its schema together, collecting every field present on one side only. */
    private static void compare(Class<?> type, Map<String, Object> schema, String path, List<String> differences) {
        Map<String, Object> properties = CrdFiles.get(schema, "properties");
        Set<String> schemaFields = properties == null ? Set.of() : new TreeSet<>(properties.keySet());
        Set<String> javaFields = new TreeSet<>();
        for (Field field : jsonFields(type)) {
            String name = jsonName(field);
            javaFields.add(name);
            if (schemaFields.contains(name)) {
                compareField(field.getGenericType(), CrdFiles.get(schema, "properties", name), path + "." + name,
                        differences);
            }
        }
        for (String missing : difference(javaFields, schemaFields)) {
            differences.add(path + "." + missing + ": in the Java model, not in the CRD");
        }
        for (String extra : difference(schemaFields, javaFields)) {
            differences.add(path + "." + extra + ": in the CRD, not in the Java model");
        }
    }

    private static void compareField(Type type, Map<String, Object> schema, String path, List<String> differences) {
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            expectType(schema, "array", path, differences);
            compareField(p.getActualTypeArguments()[0], CrdFiles.get(schema, "items"), path + "[]", differences);
        } else if (type instanceof ParameterizedType p && p.getRawType() == Map.class) {
            expectType(schema, "object", path, differences);
            compareField(p.getActualTypeArguments()[1], CrdFiles.get(schema, "additionalProperties"), path + "{}",
                    differences);
        } else if (type == String.class) {
            expectType(schema, "string", path, differences);
        } else if (type == Boolean.class) {
            expectType(schema, "boolean", path, differences);
        } else if (type == Integer.class) {
            expectType(schema, "integer", path, differences);
            expectFormat(schema, Set.of("int32", "<none>"), path, differences);
        } else if (type == Long.class) {
            expectType(schema, "integer", path, differences);
            expectFormat(schema, Set.of("int64"), path, differences);
        } else if (type == IntOrString.class) {
            if (!Boolean.TRUE.equals(schema.get("x-kubernetes-int-or-string"))) {
                differences.add(path + ": IntOrString in Java, not x-kubernetes-int-or-string in the CRD");
            }
        } else if (type == Condition.class || type == LabelSelector.class) {
            expectType(schema, "object", path, differences);
        } else if (type instanceof Class<?> c && c.getPackage() == Eip.class.getPackage()) {
            expectType(schema, "object", path, differences);
            compare(c, schema, path, differences);
        } else {
            differences.add(path + ": Java type " + type.getTypeName() + " unknown to this test");
        }
    }

    private static void expectType(Map<String, Object> schema, String type, String path, List<String> differences) {
        if (schema == null || !type.equals(schema.get("type"))) {
            differences.add(path + ": expected schema type " + type + " but was "
                    + (schema == null ? "no schema" : schema.get("type")));
        }
    }

    private static void expectFormat(Map<String, Object> schema, Set<String> formats, String path,
            List<String> differences) {
        String format = (String) schema.getOrDefault("format", "<none>");
        if (!formats.contains(format)) {
            differences.add(path + ": format " + format + " does not fit the Java type (expected " + formats + ")");
        }
    }

    private static List<Field> jsonFields(Class<?> type) {
        return Arrays.stream(type.getDeclaredFields())
                .filter(f -> Modifier.isPublic(f.getModifiers()) && !Modifier.isStatic(f.getModifiers()))
                .toList();
    }

    private static String jsonName(Field field) {
        JsonProperty renamed = field.getAnnotation(JsonProperty.class);
        return renamed != null ? renamed.value() : field.getName();
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
