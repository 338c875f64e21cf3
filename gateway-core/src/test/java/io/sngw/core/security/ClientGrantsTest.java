package io.sngw.core.security;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientGrantsTest {

    @Test
    void examples() {
        assertTrue(ClientGrants.covers("#", "a/b"));
        assertTrue(ClientGrants.covers("a/#", "a"));
        assertTrue(ClientGrants.covers("a/+", "a/b"));
        assertTrue(ClientGrants.covers("a/+/c", "a/+/c"));
        assertFalse(ClientGrants.covers("a/+", "a/#"));
        assertFalse(ClientGrants.covers("a/+", "a/b/c"));
        assertFalse(ClientGrants.covers("a/b", "a/bc"));
        assertFalse(ClientGrants.covers("a/b", "a"));
        assertTrue(ClientGrants.covers("a/", "a/"));
        assertFalse(ClientGrants.covers("a/", "a"));
        assertTrue(ClientGrants.covers("+/x", "/x"));
    }

    /** Every pair of short patterns and filters, against the plain definition on split levels. */
    @Test
    void agreesWithTheLevelByLevelDefinition() {
        List<String> all = topics(new String[] {"", "a", "b", "ab", "+", "#"}, 3);
        for (String pattern : all) {
            for (String filter : all) {
                assertEquals(reference(pattern, filter), ClientGrants.covers(pattern, filter),
                        "covers(\"" + pattern + "\", \"" + filter + "\")");
            }
        }
    }

    @Test
    void mayPublishWithAnyOfTheGrants() {
        ClientGrants grants = new ClientGrants(List.of("s/c1/#", "shared/+"), List.of());
        assertTrue(grants.mayPublish("s/c1/t"));
        assertTrue(grants.mayPublish("shared/x"));
        assertFalse(grants.mayPublish("s/c2/t"));
        assertTrue(ClientGrants.ALL.mayPublish("any/thing"));
    }

    private static List<String> topics(String[] levels, int maxLevels) {
        List<String> out = new ArrayList<>();
        List<String> last = List.of("");
        for (int n = 1; n <= maxLevels; n++) {
            List<String> next = new ArrayList<>();
            for (String prefix : last) {
                for (String level : levels) {
                    next.add(n == 1 ? level : prefix + "/" + level);
                }
            }
            out.addAll(next);
            last = next;
        }
        return out;
    }

    private static boolean reference(String pattern, String filter) {
        String[] p = pattern.split("/", -1);
        String[] f = filter.split("/", -1);
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals("#")) {
                return true;
            }
            if (i >= f.length || f[i].equals("#")) {
                return false;
            }
            if (!p[i].equals("+") && !p[i].equals(f[i])) {
                return false;
            }
        }
        return p.length == f.length;
    }
}
