package io.eddy.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The plan is a pure description: it can be built, checked and described without the runtime. */
class PlanIsPureDescriptionTest {

    private static final Path PLAN_SOURCES = Path.of("src/main/java/io/eddy/internal/plan");

    @Test
    void noPlanSourceImportsTheRuntime() throws IOException {
        assertThat(PLAN_SOURCES).as("run from the framework module directory").isDirectory();
        List<String> offenders;
        try (Stream<Path> files = Files.list(PLAN_SOURCES)) {
            offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> read(f).contains("io.eddy.internal.runtime"))
                    .map(f -> f.getFileName().toString())
                    .sorted()
                    .toList();
        }
        assertThat(offenders).as("plan sources mentioning io.eddy.internal.runtime").isEmpty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
