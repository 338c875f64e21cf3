package io.sngw.core.codec;

/**
 * How a message names its topic. PUBLISH uses {@link Registered}, {@link Predefined} or {@link Short};
 * SUBSCRIBE and UNSUBSCRIBE use {@link Name}, {@link Predefined} or {@link Short}.
 */
public sealed interface TopicRef {

    /** The 2-bit TopicIdType carried in the flags byte. */
    int topicIdType();

    /**
     * The 16-bit TopicId field: an id, or the two characters of a short name; 0 for a full name, which travels in
     * the TopicName field instead (and is echoed as 0 in a PUBACK).
     */
    default int idField() {
        if (this instanceof Registered r) {
            return r.id();
        }
        if (this instanceof Predefined p) {
            return p.id();
        }
        if (this instanceof Short s) {
            return s.asId();
        }
        return 0;
    }

    int TYPE_NORMAL = 0b00;
    int TYPE_PREDEFINED = 0b01;
    int TYPE_SHORT = 0b10;

    /** A full topic name (or filter with wildcards) in SUBSCRIBE/UNSUBSCRIBE. */
    record Name(String name) implements TopicRef {
        public Name {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("topic name must not be empty");
            }
        }

        @Override
        public int topicIdType() {
            return TYPE_NORMAL;
        }
    }

    /** A normal topic id, assigned by the gateway per client through REGISTER/REGACK. */
    record Registered(int id) implements TopicRef {
        public Registered {
            Fields.checkU16("topic id", id);
        }

        @Override
        public int topicIdType() {
            return TYPE_NORMAL;
        }
    }

    /** A topic id agreed in configuration on both sides. */
    record Predefined(int id) implements TopicRef {
        public Predefined {
            Fields.checkU16("predefined topic id", id);
        }

        @Override
        public int topicIdType() {
            return TYPE_PREDEFINED;
        }
    }

    /** A two-character topic name carried in the TopicId field; it is the real topic name. */
    record Short(String name) implements TopicRef {
        public Short {
            if (name == null || name.length() != 2 || name.charAt(0) > 0xFF || name.charAt(1) > 0xFF) {
                throw new IllegalArgumentException("short topic name must be exactly 2 single-byte characters: " + name);
            }
        }

        /** The two characters as the 16-bit TopicId field. */
        public int asId() {
            return (name.charAt(0) << 8) | name.charAt(1);
        }

        public static Short fromId(int id) {
            return new Short(new String(new char[] {(char) ((id >> 8) & 0xFF), (char) (id & 0xFF)}));
        }

        @Override
        public int topicIdType() {
            return TYPE_SHORT;
        }
    }
}
