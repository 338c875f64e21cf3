package io.sngw.deploy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One mapping of the YAML tree together with its key path, so that every value read from it can be checked and
 * every failure reported as {@code path.key: value is not valid: expected ...}. The keys a section may have are
 * fixed when it is made: an unknown key (a typo, usually) fails at once instead of being ignored.
 */
final class ConfigSection {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    static final String IP_EXPECTED = "an IP address such as 0.0.0.0, 127.0.0.1 or ::";

    private final String path;
    private final Map<String, Object> values;

    private ConfigSection(String path, Map<String, Object> values) {
        this.path = path;
        this.values = values;
    }

    /** The document's top level; an empty document ({@code null}) is an empty section. */
    static ConfigSection root(Object document, List<String> keys) throws ConfigException {
        return of("", document, keys);
    }

    /** The sub-section at {@code key}; absent or {@code null} means empty, so that its defaults apply. */
    ConfigSection section(String key, List<String> keys) throws ConfigException {
        return of(pathOf(key), values.get(key), keys);
    }

    /** One mapping of a list, e.g. {@code serial[0]}; unlike a section it must be there. */
    static ConfigSection element(String path, Object value, List<String> keys) throws ConfigException {
        if (value == null) {
            throw ConfigException.invalid(path, null, "a mapping with the keys " + String.join(", ", keys));
        }
        return of(path, value, keys);
    }

    private static ConfigSection of(String path, Object value, List<String> keys) throws ConfigException {
        if (value == null) {
            return new ConfigSection(path, Map.of());
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw ConfigException.invalid(path.isEmpty() ? "(top level)" : path, value,
                    "a mapping with the keys " + String.join(", ", keys));
        }
        Map<String, Object> checked = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!(e.getKey() instanceof String) || !keys.contains(key)) {
                String keyPath = path.isEmpty() ? key : path + "." + key;
                throw new ConfigException(keyPath, "unknown key; expected one of: " + String.join(", ", keys));
            }
            checked.put(key, e.getValue());
        }
        return new ConfigSection(path, checked);
    }

    String path() {
        return path;
    }

    String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    /** The raw value at {@code key}, for shapes this class does not know (the predefined topics map). */
    Object raw(String key) {
        return values.get(key);
    }

    int integer(String key, int fallback, int min, int max) throws ConfigException {
        if (!values.containsKey(key)) {
            return fallback;
        }
        Object value = values.get(key);
        String expected = "an integer " + min + ".." + max;
        return toInt(pathOf(key), value, min, max, expected);
    }

    /** Integers as YAML gives them (Integer, Long or BigInteger), range checked; anything else fails. */
    static int toInt(String path, Object value, int min, int max, String expected) throws ConfigException {
        if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
            BigInteger n = new BigInteger(value.toString());
            if (n.compareTo(BigInteger.valueOf(min)) >= 0 && n.compareTo(BigInteger.valueOf(max)) <= 0) {
                return n.intValue();
            }
        }
        throw ConfigException.invalid(path, value, expected);
    }

    double number(String key, double fallback, double min, double max) throws ConfigException {
        if (!values.containsKey(key)) {
            return fallback;
        }
        Object value = values.get(key);
        if (value instanceof Number n && !(value instanceof BigInteger)) {
            double d = n.doubleValue();
            if (d >= min && d <= max) {
                return d;
            }
        }
        throw ConfigException.invalid(pathOf(key), value, "a number " + min + ".." + max);
    }

    /**
     * A string; numbers and booleans are refused rather than converted, because YAML has already changed them
     * (a password {@code 0123} would arrive as the octal number 83).
     */
    String string(String key, String fallback, boolean nullable) throws ConfigException {
        return string(key, fallback, nullable, false);
    }

    /** As {@link #string}, for a secret: a message about it says what kind of value was found, never the value. */
    String secret(String key, String fallback) throws ConfigException {
        return string(key, fallback, true, true);
    }

    private String string(String key, String fallback, boolean nullable, boolean secret) throws ConfigException {
        if (!values.containsKey(key)) {
            return fallback;
        }
        Object value = values.get(key);
        if (value == null && nullable) {
            return null;
        }
        if (value instanceof String s && !s.isEmpty()) {
            return s;
        }
        String expected = (nullable ? "null or " : "")
                + "a non-empty string (quote values that look like numbers or booleans)";
        throw secret ? ConfigException.invalidSecret(pathOf(key), value, expected)
                : ConfigException.invalid(pathOf(key), value, expected);
    }

    /** An IP address literal, never resolved: checking a file must not depend on DNS. */
    String ipAddress(String key, String fallback) throws ConfigException {
        if (!values.containsKey(key)) {
            return fallback;
        }
        Object value = values.get(key);
        if (value instanceof String s && isIpLiteral(s)) {
            return s;
        }
        throw ConfigException.invalid(pathOf(key), value, IP_EXPECTED);
    }

    /**
     * Null (absent or {@code null}), or the absolute path of a readable regular file. Relative paths are refused: a
     * service's working directory is not where its configuration file is.
     */
    Path readableFile(String key) throws ConfigException {
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        String expected = "null or the absolute path of a readable file";
        Path file = null;
        if (value instanceof String s && !s.isEmpty()) {
            try {
                file = Path.of(s);
            } catch (InvalidPathException e) {
                file = null;
            }
        }
        if (file == null || !file.isAbsolute()) {
            throw ConfigException.invalid(pathOf(key), value, expected);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw ConfigException.invalid(pathOf(key), value, expected + "; there is no readable file there");
        }
        return file;
    }

    static boolean isIpLiteral(String s) {
        var v4 = IPV4.matcher(s);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return false;
                }
            }
            return true;
        }
        // Only hex digits, colons and dots: InetAddress then parses a literal and never looks a name up.
        if (s.indexOf(':') >= 0 && IPV6_CHARS.matcher(s).matches()) {
            try {
                InetAddress.getByName(s);
                return true;
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * A duration between {@code min} and {@code max}; a bare 0 is accepted as 0s since it is unambiguous.
     *
     * @param wholeSeconds the value ends up in a protocol field counted in seconds
     * @param note         what the expectation adds to the range, e.g. "(0s turns ADVERTISE off)", or ""
     */
    Duration duration(String key, Duration fallback, Duration min, Duration max, boolean wholeSeconds, String note)
            throws ConfigException {
        if (!values.containsKey(key)) {
            return fallback;
        }
        Object value = values.get(key);
        String expected = Durations.FORMAT + ", " + Durations.format(min) + ".." + Durations.format(max)
                + (wholeSeconds ? " in whole seconds" : "") + (note.isEmpty() ? "" : " " + note);
        Duration d = null;
        if (value instanceof String s) {
            try {
                d = Durations.parse(s);
            } catch (IllegalArgumentException | ArithmeticException e) {
                d = null;
            }
        } else if (value instanceof Integer i && i == 0) {
            d = Duration.ZERO;
        }
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0 || (wholeSeconds && d.toMillis() % 1000 != 0)) {
            throw ConfigException.invalid(pathOf(key), value, expected);
        }
        return d;
    }

    /** true or false; YAML's yes/no/on/off are refused so that a typo cannot silently flip a switch. */
    boolean bool(String key, boolean fallback) throws ConfigException {
        if (!values.containsKey(key)) {
            return fallback;
        }
        Object value = values.get(key);
        if (value instanceof Boolean b) {
            return b;
        }
        throw ConfigException.invalid(pathOf(key), value, "true or false");
    }

    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(B|KB|MB|GB)?");

    /** A size in bytes: an integer, or a string with a unit B, KB, MB or GB (powers of 1024), e.g. "512MB". */
    long size(String key, long fallback, long min, long max) throws ConfigException {
        if (!values.containsKey(key)) {
            return fallback;
        }
        Object value = values.get(key);
        String expected = "a size " + min + ".." + max + " bytes: an integer, or a number with B, KB, MB or GB such as \"512MB\"";
        long bytes = -1;
        if (value instanceof Integer || value instanceof Long) {
            bytes = ((Number) value).longValue();
        } else if (value instanceof String text) {
            var m = SIZE.matcher(text.strip().toUpperCase(Locale.ROOT));
            if (m.matches()) {
                int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
                    case "KB" -> 10;
                    case "MB" -> 20;
                    case "GB" -> 30;
                    default -> 0;
                };
                bytes = Long.parseLong(m.group(1)) << shift;
            }
        }
        if (bytes < min || bytes > max) {
            throw ConfigException.invalid(pathOf(key), value, expected);
        }
        return bytes;
    }

    /** One of a fixed set of words. */
    String choice(String key, String fallback, List<String> allowed) throws ConfigException {
        if (!values.containsKey(key)) {
            return fallback;
        }
        Object value = values.get(key);
        if (value instanceof String text && allowed.contains(text)) {
            return text;
        }
        throw ConfigException.invalid(pathOf(key), value, "one of " + String.join(", ", allowed));
    }
}
