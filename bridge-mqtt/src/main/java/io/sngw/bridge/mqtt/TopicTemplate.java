package io.sngw.bridge.mqtt;

import java.util.ArrayList;
import java.util.List;

import io.sngw.core.upstream.ClientRef;

/**
 * How a sensor's topics map to the broker's, both ways ({@code upstream.topic-template}): a prefix of topic levels,
 * each a literal or {@code {gateway-id}} or {@code {client-id}}, then {@code {topic}}, e.g.
 * {@code gw/{gateway-id}/{client-id}/{topic}}. Publishes, subscription filters and wills go out under the prefix;
 * a message from the broker has the prefix taken off again, and where the prefix names a client, it goes to that
 * sensor only. Placeholders fill whole levels, so that a client id (which has no '/', '+' or '#') can be read back.
 */
public final class TopicTemplate {

    /** {@code {topic}}: topics unchanged. */
    public static final TopicTemplate IDENTITY = new TopicTemplate("{topic}", List.of());

    static final String TOPIC = "{topic}";
    static final String CLIENT_ID = "{client-id}";
    static final String GATEWAY_ID = "{gateway-id}";
    /** What {@code {client-id}} becomes for a message of no one sensor (QoS −1 from an unconnected sensor). */
    public static final String NO_CLIENT = "-";

    private final String text;
    private final List<String> prefix;

    private TopicTemplate(String text, List<String> prefix) {
        this.text = text;
        this.prefix = prefix;
    }

    /**
     * Parses a template; null or {@code {topic}} is {@link #IDENTITY}.
     *
     * @throws IllegalArgumentException naming what is expected
     */
    public static TopicTemplate parse(String text) {
        if (text == null || text.equals(TOPIC)) {
            return IDENTITY;
        }
        String expected = "expected topic levels ending in /{topic}, each level a literal (no '+' or '#') or "
                + "{gateway-id} or {client-id} (each at most once), e.g. gw/{gateway-id}/{client-id}/{topic}";
        if (!text.endsWith("/" + TOPIC)) {
            throw new IllegalArgumentException(expected);
        }
        List<String> levels = List.of(text.substring(0, text.length() - TOPIC.length() - 1).split("/", -1));
        List<String> prefix = new ArrayList<>();
        for (String level : levels) {
            boolean placeholder = level.equals(CLIENT_ID) || level.equals(GATEWAY_ID);
            if (level.isEmpty() || (placeholder && prefix.contains(level))
                    || (!placeholder && (level.indexOf('{') >= 0 || level.indexOf('}') >= 0
                    || level.indexOf('+') >= 0 || level.indexOf('#') >= 0))) {
                throw new IllegalArgumentException(expected);
            }
            prefix.add(level);
        }
        String problem = Topics.checkTopicName(text.replace(TOPIC, "t").replace(CLIENT_ID, "c").replace(GATEWAY_ID, "g"));
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return new TopicTemplate(text, List.copyOf(prefix));
    }

    public boolean isIdentity() {
        return prefix.isEmpty();
    }

    /** Whether the broker's topics name the client: then messages from the broker are for that one sensor. */
    public boolean namesClient() {
        return prefix.contains(CLIENT_ID);
    }

    /** The broker's topic name or filter for a sensor's ({@code client} null: of no one sensor). */
    public String apply(String topic, ClientRef client, String gatewayId) {
        if (prefix.isEmpty()) {
            return topic;
        }
        StringBuilder b = new StringBuilder(topic.length() + 32);
        for (String level : prefix) {
            b.append(switch (level) {
                case CLIENT_ID -> client == null ? NO_CLIENT : client.clientId();
                case GATEWAY_ID -> gatewayId;
                default -> level;
            }).append('/');
        }
        return b.append(topic).toString();
    }

    /** A topic from the broker taken back: the sensor's topic and, where the template names one, its client. */
    public record Reversed(String topic, String clientId) {
    }

    /** The broker's {@code topic} taken back, or null when it does not fit the template (nor this gateway). */
    public Reversed reverse(String topic, String gatewayId) {
        if (prefix.isEmpty()) {
            return new Reversed(topic, null);
        }
        String clientId = null;
        int from = 0;
        for (String level : prefix) {
            int slash = topic.indexOf('/', from);
            if (slash < 0) {
                return null;
            }
            String actual = topic.substring(from, slash);
            switch (level) {
                case CLIENT_ID -> clientId = actual;
                case GATEWAY_ID -> {
                    if (!actual.equals(gatewayId)) {
                        return null;
                    }
                }
                default -> {
                    if (!actual.equals(level)) {
                        return null;
                    }
                }
            }
            from = slash + 1;
        }
        if (from == topic.length() || NO_CLIENT.equals(clientId)) {
            return null;
        }
        return new Reversed(topic.substring(from), clientId);
    }

    @Override
    public String toString() {
        return text;
    }
}
