package io.eddy.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.testkit.driver.TestDriver;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The test kit's module descriptor exports every test kit package and nothing of the framework.
 * The test kit's tests run on the class path (its embedded broker cannot run on the module path,
 * see the module's Javadoc), so this reads the compiled {@code module-info.class} from where the
 * test kit's classes are.
 */
class ModuleDescriptorTest {

    private static ModuleDescriptor testKitDescriptor() throws IOException, URISyntaxException {
        Path where = Path.of(TestDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(where)) {
            try (InputStream in = Files.newInputStream(where.resolve("module-info.class"))) {
                return ModuleDescriptor.read(in);
            }
        }
        try (ZipFile jar = new ZipFile(where.toFile()); InputStream in = jar.getInputStream(jar.getEntry("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    @Test
    void theTestKitExportsItsOwnPackagesToEveryone() throws Exception {
        ModuleDescriptor d = testKitDescriptor();
        Set<String> exported = new TreeSet<>();
        d.exports().forEach(e -> {
            assertThat(e.isQualified()).as("export of %s", e.source()).isFalse();
            exported.add(e.source());
        });

        assertThat(d.name()).isEqualTo("io.eddy.testkit");
        assertThat(exported).containsExactly("io.eddy.testkit", "io.eddy.testkit.driver", "io.eddy.testkit.kafka",
                "io.eddy.testkit.process", "io.eddy.testkit.registry");
        assertThat(d.packages()).isEqualTo(exported);
        assertThat(d.requires()).anyMatch(r -> r.name().equals("io.eddy.framework")
                && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE));
    }
}
