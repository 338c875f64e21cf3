package io.sngw.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.sngw.core.upstream.ClientRef;

/** Topic templates map sensor topics to the broker's and back. */
class TopicTemplateTest {

    private static final TopicTemplate PER_SENSOR = TopicTemplate.parse("gw/{gateway-id}/{client-id}/{topic}");
    private static final ClientRef S1 = new ClientRef("s1", "udp");

    @Test
    void publishAndFilterGoUnderThePrefix() {
        assertEquals("gw/7/s1/sensors/temp", PER_SENSOR.apply("sensors/temp", S1, "7"));
        assertEquals("gw/7/s1/cmd/#", PER_SENSOR.apply("cmd/#", S1, "7"));
        assertEquals("gw/7/-/ab", PER_SENSOR.apply("ab", null, "7"), "QoS -1: no client");
    }

    @Test
    void brokerTopicComesBackWithItsClient() {
        TopicTemplate.Reversed r = PER_SENSOR.reverse("gw/7/s1/cmd/led", "7");
        assertEquals("cmd/led", r.topic());
        assertEquals("s1", r.clientId());
    }

    @Test
    void brokerTopicOfAnotherGatewayOrOutsideThePrefixIsNotTakenBack() {
        assertNull(PER_SENSOR.reverse("gw/8/s1/cmd/led", "7"));
        assertNull(PER_SENSOR.reverse("other/7/s1/cmd", "7"));
        assertNull(PER_SENSOR.reverse("gw/7/s1", "7"));
        assertNull(PER_SENSOR.reverse("gw/7/-/x", "7"));
    }

    @Test
    void templateWithoutAClientKeepsMessagesForEverySubscriber() {
        TopicTemplate site = TopicTemplate.parse("site-a/{topic}");
        assertEquals("site-a/t", site.apply("t", S1, "1"));
        TopicTemplate.Reversed r = site.reverse("site-a/cmd/x", "1");
        assertEquals("cmd/x", r.topic());
        assertNull(r.clientId());
    }

    @Test
    void identityLeavesTopicsAlone() {
        assertTrue(TopicTemplate.parse(null).isIdentity());
        assertTrue(TopicTemplate.parse("{topic}").isIdentity());
        assertEquals("a/b", TopicTemplate.IDENTITY.apply("a/b", S1, "1"));
    }

    @Test
    void malformedTemplatesAreRefusedSayingWhatIsExpected() {
        for (String bad : new String[] {"gw/{topic}/x", "gw/{client}/{topic}", "gw/+/{topic}", "gw//{topic}",
                "{client-id}/{client-id}/{topic}", "gw/x{client-id}/{topic}", "gw/#/{topic}", "gw"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TopicTemplate.parse(bad),
                    bad);
            assertTrue(e.getMessage().contains("expected"), e.getMessage());
        }
    }
}
