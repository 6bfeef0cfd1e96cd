package io.openelb.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import io.openelb.announce.AnnounceHalfOfCycleFixture;
import io.openelb.grpc.InformerReaderFixture;
import io.openelb.grpc.UnlistedDependencyFixture;
import io.openelb.ipam.OutsideWorldFixture;
import io.openelb.model.ShellDependencyFixture;
import io.openelb.status.StatusHalfOfCycleFixture;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which {@code io.openelb} package may use which, for every package: the pure core uses only itself, each
 * shell only what it needs, no package cycles, no I/O or threads in the pure core, and only {@code kube} reads
 * the informer caches. Each rule has a control case: a fixture under src/test that breaks it.
 */
class LayeringTest {
    /** A package of the layering table and the {@code io.openelb} packages it may use (besides itself). */
    private record Layer(String name, String packages, String... mayUse) {}

    /**
     * The layering table. Dependencies on {@code java.*} and on libraries are not in it (PurePackagesTest keeps
     * the pure core on {@code java.*}). A new package must get a row, or the rule fails.
     */
    private static final List<Layer> TABLE = List.of(
            // Pure core: java only (PurePackagesTest) and these pure neighbours.
            new Layer("model", "io.openelb.model.."),
            new Layer("ipam", "io.openelb.ipam..", "model"),
            new Layer("bgp.codec", "io.openelb.bgp.codec..", "model"),
            new Layer("bgp.fsm", "io.openelb.bgp.fsm..", "bgp.codec", "model"),
            new Layer("announce", "io.openelb.announce..", "bgp.codec", "model"),
            new Layer("layer2.wire", "io.openelb.layer2.wire..", "model"),
            new Layer("bfd", "io.openelb.bfd.."),
            new Layer("vrrp", "io.openelb.vrrp..", "model"),
            new Layer("status", "io.openelb.status..", "announce", "model"),
            new Layer("ui.view", "io.openelb.ui.view..", "ipam", "model"),
            // The one conversion: fabric8's and the CRDs' model classes in, the program's values out; pure code
            // (no client, no I/O) that the pure core may not see because it reads fabric8 types.
            new Layer("cluster", "io.openelb.cluster..", "announce", "api", "model"),
            // Shells, each only on what it needs. They take the cluster from the snapshots on the bus; kube
            // (informers, Events) is used by the speaker's and the controller's Event writers only.
            new Layer("config", "io.openelb.config.."),
            new Layer("api", "io.openelb.api.."),
            new Layer("bus", "io.openelb.bus..", "cluster", "model"),
            new Layer("metrics", "io.openelb.metrics..", "cluster", "ipam", "model"),
            new Layer("kube", "io.openelb.kube..", "api", "bus", "cluster", "config", "metrics", "model"),
            new Layer("controller", "io.openelb.controller..",
                    "api", "bus", "cluster", "config", "ipam", "kube", "metrics", "model"),
            new Layer("speaker", "io.openelb.speaker..", "announce", "api", "bfd", "bgp.codec", "bgp.fsm", "bus",
                    "cluster", "kube", "metrics", "model", "status"),
            // Exactly io.openelb.layer2: its pure sub-package layer2.wire has its own row.
            new Layer("layer2", "io.openelb.layer2",
                    "announce", "bus", "cluster", "config", "kube", "layer2.wire", "metrics", "model", "status"),
            new Layer("vip", "io.openelb.vip..", "announce", "bus", "cluster", "config", "kube", "layer2.wire",
                    "metrics", "model", "status", "vrrp"),
            // Exactly io.openelb.ui: its pure sub-package ui.view has its own row.
            new Layer("ui", "io.openelb.ui", "api", "bus", "cluster", "model", "ui.view"),
            new Layer("web", "io.openelb.web..", "announce", "bus", "cluster", "metrics", "model", "status"),
            // Includes the generated gobgp API classes in grpc.apipb.
            new Layer("grpc", "io.openelb.grpc..", "model", "status"));

    /** The composition root (Main, Logging) wires every package together, so it may use all of them. */
    private static final String ROOT = "io.openelb";

    static final ArchRule PACKAGES_USE_ONLY_WHAT_THE_TABLE_ALLOWS = layeringTable();

    static final ArchRule NO_CYCLES_BETWEEN_PACKAGES = slices().matching("io.openelb.(*)..")
            .should().beFreeOfCycles();

    private static final DescribedPredicate<JavaClass> SOCKETS_CHANNELS_FILES_OR_THREADS =
            nameMatching("java\\.net\\.Socket.*")
                    .<JavaClass>forSubtype()
                    .or(resideInAPackage("java.nio.channels.."))
                    .or(nameMatching("java\\.lang\\.Thread(\\$.*)?"))
                    .or(nameMatching("java\\.util\\.concurrent\\.Executor.*"))
                    .or(nameMatching("java\\.io\\.File.*"))
                    .or(resideInAPackage("java.nio.file.."))
                    .as("sockets, channels, files or threads");

    static final ArchRule PURE_CORE_DOES_NO_IO = noClasses()
            .that().resideInAnyPackage(PurePackagesTest.PURE)
            .should().dependOnClassesThat(SOCKETS_CHANNELS_FILES_OR_THREADS)
            .because("the pure core takes values and returns values; I/O and threads belong to the shells");

    private static final String INFORMERS = "io.openelb.kube.Informers";

    private static final DescribedPredicate<JavaClass> INFORMER_CACHES =
            resideInAPackage("io.fabric8.kubernetes.client.informers..")
                    .or(nameMatching(java.util.regex.Pattern.quote(INFORMERS) + "(\\$.*)?"))
                    .as("fabric8 informers or " + INFORMERS);

    static final ArchRule ONLY_KUBE_READS_THE_INFORMER_CACHES = noClasses()
            .that().resideOutsideOfPackages("io.openelb.kube..", ROOT)
            .should().dependOnClassesThat(INFORMER_CACHES)
            .because("kube converts what the informers see into model records and publishes them on the bus");

    private static JavaClasses production;

    @BeforeAll
    static void importProduction() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.openelb");
    }

    @Test
    void productionCodeFollowsTheLayeringTable() {
        PACKAGES_USE_ONLY_WHAT_THE_TABLE_ALLOWS.check(production);
    }

    @Test
    void aPureClassUsingAShellFailsTheLayeringTable() {
        JavaClasses withFixture = new ClassFileImporter().importClasses(ShellDependencyFixture.class);

        assertThatThrownBy(() -> PACKAGES_USE_ONLY_WHAT_THE_TABLE_ALLOWS.check(withFixture))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ShellDependencyFixture")
                .hasMessageContaining("io.openelb.config.Role");
    }

    @Test
    void aShellUsingAPackageNotInItsRowFailsTheLayeringTable() {
        JavaClasses withFixture = new ClassFileImporter().importClasses(UnlistedDependencyFixture.class);

        assertThatThrownBy(() -> PACKAGES_USE_ONLY_WHAT_THE_TABLE_ALLOWS.check(withFixture))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("UnlistedDependencyFixture")
                .hasMessageContaining("io.openelb.ipam.ServiceKey");
    }

    @Test
    void productionCodeHasNoCyclesBetweenPackages() {
        NO_CYCLES_BETWEEN_PACKAGES.check(production);
    }

    @Test
    void twoPackagesUsingEachOtherFailTheCycleRule() {
        JavaClasses withFixture = new ClassFileImporter()
                .importClasses(AnnounceHalfOfCycleFixture.class, StatusHalfOfCycleFixture.class);

        assertThatThrownBy(() -> NO_CYCLES_BETWEEN_PACKAGES.check(withFixture))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected")
                .hasMessageContaining("AnnounceHalfOfCycleFixture")
                .hasMessageContaining("StatusHalfOfCycleFixture");
    }

    @Test
    void productionPureCoreDoesNoIo() {
        PURE_CORE_DOES_NO_IO.check(production);
    }

    @Test
    void socketsChannelsFilesAndThreadsInThePureCoreFailTheRule() {
        JavaClasses withFixture = new ClassFileImporter().importClasses(OutsideWorldFixture.class);

        assertThatThrownBy(() -> PURE_CORE_DOES_NO_IO.check(withFixture))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("OutsideWorldFixture")
                .hasMessageContaining("java.net.Socket")
                .hasMessageContaining("java.nio.channels.SocketChannel")
                .hasMessageContaining("java.io.File")
                .hasMessageContaining("java.nio.file.Path")
                .hasMessageContaining("java.util.concurrent.ExecutorService")
                .hasMessageContaining("java.lang.Thread");
    }

    @Test
    void onlyKubeAndTheRootReadTheInformerCaches() {
        ONLY_KUBE_READS_THE_INFORMER_CACHES.check(production);
    }

    @Test
    void readingTheInformerCachesOutsideKubeFailsTheRule() {
        JavaClasses withFixture = new ClassFileImporter().importClasses(InformerReaderFixture.class);

        assertThatThrownBy(() -> ONLY_KUBE_READS_THE_INFORMER_CACHES.check(withFixture))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("InformerReaderFixture")
                .hasMessageContaining("io.fabric8.kubernetes.client.informers.SharedIndexInformer")
                .hasMessageContaining(INFORMERS);
    }

    private static LayeredArchitecture layeringTable() {
        LayeredArchitecture architecture = layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true)
                .layer("root").definedBy(ROOT);
        for (Layer layer : TABLE) {
            architecture = architecture.layer(layer.name()).definedBy(layer.packages());
        }
        for (Layer layer : TABLE) {
            architecture = layer.mayUse().length == 0
                    ? architecture.whereLayer(layer.name()).mayNotAccessAnyLayer()
                    : architecture.whereLayer(layer.name()).mayOnlyAccessLayers(layer.mayUse());
        }
        return architecture.ensureAllClassesAreContainedInArchitecture();
    }
}
