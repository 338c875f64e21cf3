package io.sngw.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The gateway's version, from a resource Maven fills in, so that it is right in tests and in the shaded jar alike. */
public final class Version {

    private Version() {
    }

    public static String get() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through: a version is not worth failing for
        }
        return "unknown";
    }
}
