package io.openelb.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.openelb.arch.MethodScanner.Method;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Small enough to read: no source file in src/main/java over 350 lines (except the BGP codec, one RFC in one
 * place) and no method or constructor over 50 lines, counted from its signature line to its closing brace.
 */
class SizeTest {
    static final int MAX_FILE_LINES = 350;
    static final int MAX_METHOD_LINES = 50;
    static final Path MAIN = Path.of("src", "main", "java", "io", "openelb");
    static final Set<String> LONG_FILES_BY_DESIGN = Set.of("bgp/codec/BgpCodec.java");

    @Test
    void noSourceFileIsOverTheLimit() {
        Map<String, Long> longFiles = longFiles();

        assertThat(longFiles).as("files over %d lines", MAX_FILE_LINES).isEmpty();
    }

    @Test
    void noMethodIsOverTheLimit() {
        Map<String, Integer> longMethods = longMethods();

        assertThat(longMethods).as("methods over %d lines", MAX_METHOD_LINES).isEmpty();
    }

    @Test
    void theScannerMeasuresFromTheSignatureLineToTheClosingBrace() {
        String source = """
                package p;

                /** A {@code {} in a comment. */
                final class Sample {
                    private final Runnable field = () -> {
                        System.out.println("{ in a string");
                    };

                    @Override
                    @SuppressWarnings(value = "unused")
                    public String toString() {
                        char brace = '{';
                        return String.valueOf(brace);
                    }

                    Object anonymous(int n)
                            throws Exception {
                        return new Object() {
                            @Override
                            public int hashCode() {
                                if (n > 0) {
                                    return n;
                                }
                                return 0;
                            }
                        };
                    }

                    record Range(int from, int to) {
                        Range {
                            if (from > to) {
                                throw new IllegalArgumentException();
                            }
                        }
                    }

                    static {
                        System.out.println();
                    }
                }
                """;

        assertThat(MethodScanner.methods(source))
                .extracting(Method::name, Method::firstLine, Method::lastLine)
                .containsExactly(
                        tuple("toString", 11, 14),
                        tuple("hashCode", 20, 25),
                        tuple("anonymous", 16, 27),
                        tuple("Range", 30, 34));
    }

    @Test
    void aMethodOneLineOverTheLimitIsReported() {
        String body = "        x++;\n".repeat(MAX_METHOD_LINES - 2);
        String source = "class A {\n    void fits(int x) {\n" + body + "    }\n"
                + "    void tooLong(int x) {\n" + body + "        x++;\n    }\n}\n";

        assertThat(MethodScanner.methods(source))
                .extracting(Method::name, Method::lines)
                .containsExactly(tuple("fits", MAX_METHOD_LINES), tuple("tooLong", MAX_METHOD_LINES + 1));
    }

    /** Files over the limit, as paths under io/openelb, with their line counts. */
    private static Map<String, Long> longFiles() {
        Map<String, Long> longFiles = new TreeMap<>();
        for (Path file : sources()) {
            String name = relative(file);
            long lines = read(file).lines().count();
            if (lines > MAX_FILE_LINES && !LONG_FILES_BY_DESIGN.contains(name)) {
                longFiles.put(name, lines);
            }
        }
        return longFiles;
    }

    /** Methods over the limit, as {@code file#method} (overloads share a key), with their line counts. */
    private static Map<String, Integer> longMethods() {
        Map<String, Integer> longMethods = new TreeMap<>();
        for (Path file : sources()) {
            for (Method method : MethodScanner.methods(read(file))) {
                if (method.lines() > MAX_METHOD_LINES) {
                    longMethods.merge(relative(file) + "#" + method.name(), method.lines(), Math::max);
                }
            }
        }
        return longMethods;
    }

    private static List<Path> sources() {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String relative(Path file) {
        return MAIN.relativize(file).toString().replace('\\', '/');
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
