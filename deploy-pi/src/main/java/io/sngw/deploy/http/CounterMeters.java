package io.sngw.deploy.http;

import io.micrometer.core.instrument.Tags;

/**
 * Where each key of the gateway's counters goes among the {@code sngw_*} meters: a few names with tags (direction,
 * QoS, reason, port), not one name per key, so that a dashboard sums and filters them. A key no rule names lands in
 * {@code sngw_events_total{event=KEY}}: every counter is exported, whatever part adds it later.
 *
 * @param gauge a level (queue depth, port open), not a count of events
 */
record CounterMeters(String name, Tags tags, boolean gauge) {

    static CounterMeters of(String key) {
        if (key.startsWith("serial.")) {
            return serial(key);
        }
        if (key.startsWith("malformed.")) {
            return counter("sngw.decode.errors", "reason", key.substring("malformed.".length()));
        }
        switch (key) {
            case "outbound.queued" -> {
                return new CounterMeters("sngw.queue.depth", Tags.empty(), true);
            }
            case "publish.in.qos.minus1" -> {
                return messages("in", "-1");
            }
            case "publish.in.qos0", "publish.in.qos1", "publish.in.qos2" -> {
                return messages("in", key.substring(key.length() - 1));
            }
            case "publish.out" -> {
                return messages("out", "any");
            }
            case "publish.out.retries" -> {
                return new CounterMeters("sngw.retries", Tags.empty(), false);
            }
            case "datagrams.in" -> {
                return counter("sngw.datagrams", "direction", "in");
            }
            case "messages.out" -> {
                return counter("sngw.datagrams", "direction", "out");
            }
            default -> {
                return isDrop(key) ? counter("sngw.drops", "reason", key) : counter("sngw.events", "event", key);
            }
        }
    }

    /** Messages or datagrams the gateway let go without delivering them, whatever the reason. */
    private static boolean isDrop(String key) {
        return key.contains("dropped") || key.contains(".shed") || key.contains("drops") || key.endsWith("expired")
                && !key.equals("sessions.expired") || key.startsWith("publish.in.refused")
                || key.startsWith("publish.in.rejected") || key.startsWith("outbound.refused")
                || key.startsWith("buffer.overflow");
    }

    /** {@code serial.DEVICE.rest}: the device may itself hold dots (/dev/tty.usbserial-1.2): the rest is known. */
    private static CounterMeters serial(String key) {
        String body = key.substring("serial.".length());
        for (String rest : new String[] {"open", "reopens", "frames.in", "frames.out", "bytes.in", "bytes.out"}) {
            if (body.endsWith("." + rest)) {
                String port = body.substring(0, body.length() - rest.length() - 1);
                return switch (rest) {
                    case "open" -> new CounterMeters("sngw.serial.port.open", Tags.of("port", port), true);
                    case "reopens" -> new CounterMeters("sngw.serial.reopens", Tags.of("port", port), false);
                    default -> new CounterMeters("sngw.serial." + rest.substring(0, rest.indexOf('.')),
                            Tags.of("port", port, "direction", rest.substring(rest.indexOf('.') + 1)), false);
                };
            }
        }
        for (String group : new String[] {".errors.", ".dropped."}) {
            int at = body.indexOf(group);
            if (at > 0) {
                String port = body.substring(0, at);
                String reason = body.substring(at + group.length());
                return new CounterMeters(group.equals(".errors.") ? "sngw.serial.framing.errors" : "sngw.serial.drops",
                        Tags.of("port", port, "reason", reason), false);
            }
        }
        // write-failed, xbee.*, receiver-errors: the port is what precedes the last known word
        int at = body.lastIndexOf(".xbee.") > 0 ? body.lastIndexOf(".xbee.") : body.lastIndexOf('.');
        return new CounterMeters("sngw.serial.events", Tags.of("port", body.substring(0, Math.max(at, 0)),
                "event", body.substring(at + 1)), false);
    }

    private static CounterMeters messages(String direction, String qos) {
        return new CounterMeters("sngw.messages", Tags.of("direction", direction, "qos", qos), false);
    }

    private static CounterMeters counter(String name, String tag, String value) {
        return new CounterMeters(name, Tags.of(tag, value), false);
    }
}
