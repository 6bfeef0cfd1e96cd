package io.openelb.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.openelb.model.ForbiddenImportFixture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The pure core (allocator, BGP codec and FSM, BFD, planner, model) imports only {@code java.*} and itself, so
 * it is tested without sockets or Kubernetes. This test is the build's guard: a forbidden import fails it.
 */
class PurePackagesTest {
    static final String[] PURE = {
        "io.openelb.model..", "io.openelb.ipam..", "io.openelb.bgp.codec..", "io.openelb.bgp.fsm..",
        "io.openelb.announce..", "io.openelb.layer2.wire..", "io.openelb.status..", "io.openelb.bfd..",
        "io.openelb.vrrp..", "io.openelb.ui.view.."
    };

    static final ArchRule PURE_CORE_IMPORTS_ONLY_JAVA_AND_ITSELF = classes()
            .that().resideInAnyPackage(PURE)
            .should().onlyDependOnClassesThat()
            .resideInAnyPackage(Stream.concat(Stream.of("java.."), Stream.of(PURE)).toArray(String[]::new))
            .because("the pure core must not import Vert.x, fabric8, Netty, pcap4j or any I/O shell")
            .allowEmptyShould(true);

    @Test
    void productionCodeKeepsThePureCorePure() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.openelb");

        PURE_CORE_IMPORTS_ONLY_JAVA_AND_ITSELF.check(production);
    }

    @Test
    void aForbiddenImportInThePureCoreFailsTheRule() {
        JavaClasses withFixture = new ClassFileImporter().importClasses(ForbiddenImportFixture.class);

        assertThatThrownBy(() -> PURE_CORE_IMPORTS_ONLY_JAVA_AND_ITSELF.check(withFixture))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ForbiddenImportFixture")
                .hasMessageContaining("io.vertx.core.Vertx");
    }
}
