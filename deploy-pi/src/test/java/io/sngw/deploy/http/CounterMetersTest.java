package io.sngw.deploy.http;

import io.micrometer.core.instrument.Tags;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where the gateway's counter keys go among the sngw_* meters: a few names with tags, every key somewhere. */
class CounterMetersTest {

    @Test
    void publishesInAreMessagesByDirectionAndQos() {
        assertEquals(new CounterMeters("sngw.messages", Tags.of("direction", "in", "qos", "1"), false),
                CounterMeters.of("publish.in.qos1"));
        assertEquals(new CounterMeters("sngw.messages", Tags.of("direction", "in", "qos", "-1"), false),
                CounterMeters.of("publish.in.qos.minus1"));
    }

    @Test
    void dropsAreOneMeterByReasonAndOtherCountersAreEvents() {
        assertEquals(new CounterMeters("sngw.drops", Tags.of("reason", "upstream.qos0.dropped.stale"), false),
                CounterMeters.of("upstream.qos0.dropped.stale"));
        assertEquals(new CounterMeters("sngw.drops", Tags.of("reason", "outbound.refused.full"), false),
                CounterMeters.of("outbound.refused.full"));
        assertEquals(new CounterMeters("sngw.events", Tags.of("event", "sessions.expired"), false),
                CounterMeters.of("sessions.expired"));
        assertEquals(new CounterMeters("sngw.events", Tags.of("event", "wills.published"), false),
                CounterMeters.of("wills.published"));
    }

    @Test
    void decodeErrorsAreByReason() {
        assertEquals(new CounterMeters("sngw.decode.errors", Tags.of("reason", "too_short"), false),
                CounterMeters.of("malformed.too_short"));
    }

    @Test
    void serialCountersAreByPortWhateverDotsTheDeviceHas() {
        String port = "/dev/tty.usbserial-1.2";
        assertEquals(new CounterMeters("sngw.serial.port.open", Tags.of("port", port), true),
                CounterMeters.of("serial." + port + ".open"));
        assertEquals(new CounterMeters("sngw.serial.framing.errors", Tags.of("port", port, "reason", "bad-checksum"),
                false), CounterMeters.of("serial." + port + ".errors.bad-checksum"));
        assertEquals(new CounterMeters("sngw.serial.frames", Tags.of("port", port, "direction", "in"), false),
                CounterMeters.of("serial." + port + ".frames.in"));
        assertEquals(new CounterMeters("sngw.serial.drops", Tags.of("port", port, "reason", "queue-full"), false),
                CounterMeters.of("serial." + port + ".dropped.queue-full"));
        assertEquals(new CounterMeters("sngw.serial.events", Tags.of("port", port, "event", "xbee.modem-status"),
                false), CounterMeters.of("serial." + port + ".xbee.modem-status"));
    }

    @Test
    void theQueueDepthIsAGauge() {
        assertEquals(new CounterMeters("sngw.queue.depth", Tags.empty(), true), CounterMeters.of("outbound.queued"));
    }
}
