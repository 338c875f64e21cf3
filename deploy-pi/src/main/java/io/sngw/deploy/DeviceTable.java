package io.sngw.deploy;

import io.sngw.core.linksec.RadioFrame;
import io.sngw.core.linksec.RadioKey;
import io.sngw.core.security.Device;
import io.sngw.deploy.http.Json;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** How {@code sngw devices list} shows devices: a table for people, JSON for scripts. Never a key. */
final class DeviceTable {
    /** How much of a certificate fingerprint a listing shows: enough to tell two apart. */
    private static final int FINGERPRINT_SHOWN = 16;

    private static final List<String> HEADER = List.of("ID", "ENABLED", "CREDENTIALS", "PUBLISH", "SUBSCRIBE",
            "CREATED", "LAST SEEN");

    private DeviceTable() {
    }

    static String text(List<Device> devices) {
        return text(devices, List.of());
    }

    /** With a RADIO column (devid, how it was paired, when last heard) when any device has a radio key. */
    static String text(List<Device> devices, List<RadioKey> radios) {
        Map<String, RadioKey> radioOf = byClientId(radios);
        boolean radioColumn = devices.stream().anyMatch(d -> radioOf.containsKey(d.clientId()));
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(HEADER);
        if (radioColumn) {
            header.add("RADIO");
        }
        rows.add(header);
        for (Device d : devices) {
            List<String> row = new ArrayList<>(List.of(d.clientId(), d.enabled() ? "yes" : "no",
                    credentials(d), patterns(d.publishPatterns()),
                    patterns(d.subscribePatterns()), time(d.created(), "-"),
                    time(d.lastSeen(), "never")));
            if (radioColumn) {
                RadioKey r = radioOf.get(d.clientId());
                row.add(r == null ? "-" : RadioFrame.hex(r.devid()) + " " + r.pairing().text() + " "
                        + time(r.paired(), "-") + ", last heard " + time(r.lastHeard(), "never"));
            }
            rows.add(row);
        }
        return TextTable.render(rows);
    }

    /**
     * {@code [{"id": …, "enabled": …, "psk": true|false, "certFingerprint": hex|null, "publish": […],
     * "subscribe": […], "created": ISO-8601|null, "lastSeen": ISO-8601|null}, …]}: whether a device has a key,
     * never the key. The certificate's fingerprint is whole here: it is public, and scripts compare it.
     */
    static String json(List<Device> devices) {
        return json(devices, List.of());
    }

    /** With {@code "radio": {"id", "pairing", "paired", "lastHeard"}} for devices that have a radio key. */
    static String json(List<Device> devices, List<RadioKey> radios) {
        Map<String, RadioKey> radioOf = byClientId(radios);
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < devices.size(); i++) {
            Device d = devices.get(i);
            json.append(i == 0 ? "\n  {" : ",\n  {")
                    .append("\"id\": ").append(string(d.clientId()))
                    .append(", \"enabled\": ").append(d.enabled())
                    .append(", \"psk\": ").append(d.psk() != null)
                    .append(", \"certFingerprint\": ").append(string(d.certFingerprint()))
                    .append(", \"publish\": ").append(strings(d.publishPatterns()))
                    .append(", \"subscribe\": ").append(strings(d.subscribePatterns()))
                    .append(", \"created\": ").append(string(time(d.created(), null)))
                    .append(", \"lastSeen\": ").append(string(time(d.lastSeen(), null)));
            RadioKey r = radioOf.get(d.clientId());
            if (r != null) {
                json.append(", \"radio\": {\"id\": ").append(string(RadioFrame.hex(r.devid())))
                        .append(", \"pairing\": ").append(string(r.pairing().text()))
                        .append(", \"paired\": ").append(string(time(r.paired(), null)))
                        .append(", \"lastHeard\": ").append(string(time(r.lastHeard(), null))).append('}');
            }
            json.append('}');
        }
        return json.append(devices.isEmpty() ? "]" : "\n]").toString();
    }

    private static Map<String, RadioKey> byClientId(List<RadioKey> radios) {
        Map<String, RadioKey> out = new HashMap<>();
        radios.forEach(r -> out.put(r.clientId(), r));
        return out;
    }

    private static String time(Instant instant, String none) {
        return instant == null ? none : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String strings(List<String> values) {
        List<String> quoted = new ArrayList<>(values.size());
        values.forEach(v -> quoted.add(string(v)));
        return "[" + String.join(", ", quoted) + "]";
    }

    private static String string(String value) {
        return Json.write(value);
    }

    /** What the device proves itself with; never the key. */
    static String credentials(Device device) {
        List<String> kinds = new ArrayList<>();
        if (device.psk() != null) {
            kinds.add("psk");
        }
        if (device.certFingerprint() != null) {
            kinds.add("cert " + device.certFingerprint().substring(0, FINGERPRINT_SHOWN) + "...");
        }
        return kinds.isEmpty() ? "none" : String.join(", ", kinds);
    }

    static String patterns(List<String> patterns) {
        return patterns.isEmpty() ? "nothing" : String.join(",", patterns);
    }
}
