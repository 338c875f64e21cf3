package io.sngw.store.sqlite;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;

/** How values without a native SQLite type are kept in columns. */
final class Columns {

    private Columns() {
    }

    /**
     * ACL patterns joined by newlines. A newline in an MQTT topic filter is legal but meaningless for an ACL, so
     * {@link DeviceCache} refuses such patterns rather than this encoding escaping them.
     */
    static String patterns(List<String> patterns) {
        return String.join("\n", patterns);
    }

    static List<String> patterns(String column) {
        return column.isEmpty() ? List.of() : List.of(column.split("\n", -1));
    }

    static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setLong(index, instant.toEpochMilli());
        }
    }

    static Instant instant(ResultSet rows, String column) throws SQLException {
        long millis = rows.getLong(column);
        return rows.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    static void setNullableInt(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }
}
