package io.sngw.deploy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The README stays inside its repository: every file it links to is in it, and nothing points into ../shared/. */
class ReadmeLinksTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyRelativeLinkNamesAFileOfTheRepository() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        Matcher link = Pattern.compile("\\]\\(([^)#:]+)(#[^)]*)?\\)").matcher(readme);
        while (link.find()) {
            Path target = ROOT.resolve(link.group(1)).normalize();
            if (!target.startsWith(ROOT) || !Files.exists(target)) {
                missing.add(link.group(1));
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void nothingPointsOutsideTheRepository() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);

        assertFalse(readme.contains("../shared"), "the README points outside the repository");
        assertFalse(readme.contains("design/ARCHITECTURE.md"), "the design document is docs/ARCHITECTURE.md");
    }
}
