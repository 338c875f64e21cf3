package io.sngw.core.linksec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/** The sections of docs/radio-security-vectors.txt, as written by docs/radio-security-vectors.py. */
final class Vectors {
    private final Map<String, Map<String, String>> sections = new HashMap<>();

    private Vectors(Path file) {
        try {
            Map<String, String> current = null;
            for (String line : Files.readAllLines(file)) {
                line = line.strip();
                if (line.startsWith("[") && line.endsWith("]")) {
                    current = new HashMap<>();
                    sections.put(line.substring(1, line.length() - 1), current);
                } else if (current != null && line.contains(" = ")) {
                    int eq = line.indexOf(" = ");
                    current.put(line.substring(0, eq), line.substring(eq + 3));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Vectors load() {
        Path p = Path.of("..", "docs", "radio-security-vectors.txt");
        if (!Files.exists(p)) {
            p = Path.of("docs", "radio-security-vectors.txt");
        }
        return new Vectors(p);
    }

    String text(String section, String key) {
        String v = sections.get(section).get(key);
        if (v == null) {
            throw new IllegalArgumentException(section + "." + key + " missing");
        }
        return v;
    }

    byte[] bytes(String section, String key) {
        return HexFormat.of().parseHex(text(section, key));
    }
}
