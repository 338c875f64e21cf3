package io.sngw.core.codec;

import io.sngw.core.codec.MqttSnMessage.Advertise;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.Encapsulated;
import io.sngw.core.codec.MqttSnMessage.GwInfo;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.PubComp;
import io.sngw.core.codec.MqttSnMessage.PubRec;
import io.sngw.core.codec.MqttSnMessage.PubRel;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.MqttSnMessage.Register;
import io.sngw.core.codec.MqttSnMessage.SearchGw;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.MqttSnMessage.UnsubAck;
import io.sngw.core.codec.MqttSnMessage.Unsubscribe;
import io.sngw.core.codec.MqttSnMessage.WillMsg;
import io.sngw.core.codec.MqttSnMessage.WillMsgReq;
import io.sngw.core.codec.MqttSnMessage.WillMsgResp;
import io.sngw.core.codec.MqttSnMessage.WillMsgUpd;
import io.sngw.core.codec.MqttSnMessage.WillTopic;
import io.sngw.core.codec.MqttSnMessage.WillTopicReq;
import io.sngw.core.codec.MqttSnMessage.WillTopicResp;
import io.sngw.core.codec.MqttSnMessage.WillTopicUpd;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Valid messages of every type, with sizes that reach the 3-byte length form. */
final class MqttSnArbitraries {
    private MqttSnArbitraries() {
    }

    static Arbitrary<MqttSnMessage> messages() {
        return Arbitraries.oneOf(List.<Arbitrary<? extends MqttSnMessage>>of(
                Combinators.combine(u8(), u16()).as(Advertise::new),
                u8().map(SearchGw::new),
                Combinators.combine(u8(), bytes(0, 16)).as(GwInfo::new),
                Combinators.combine(bools(), bools(), u16(), clientIds()).as(Connect::new),
                returnCodes().map(ConnAck::new),
                Arbitraries.just(new WillTopicReq()),
                Arbitraries.oneOf(Arbitraries.just(WillTopic.none()),
                        Combinators.combine(qos(), bools(), topicNames()).as(WillTopic::new)),
                Arbitraries.just(new WillMsgReq()),
                payloads().map(WillMsg::new),
                Combinators.combine(u16(), u16(), topicNames()).as(Register::new),
                Combinators.combine(u16(), u16(), returnCodes()).as(RegAck::new),
                Combinators.combine(bools(), Arbitraries.integers().between(-1, 2), bools(), publishTopics(), u16(),
                        payloads()).as(Publish::new),
                Combinators.combine(u16(), u16(), returnCodes()).as(PubAck::new),
                u16().map(PubComp::new),
                u16().map(PubRec::new),
                u16().map(PubRel::new),
                Combinators.combine(bools(), qos(), u16(), filterTopics()).as(Subscribe::new),
                Combinators.combine(qos(), u16(), u16(), returnCodes()).as(SubAck::new),
                Combinators.combine(u16(), filterTopics()).as(Unsubscribe::new),
                u16().map(UnsubAck::new),
                Arbitraries.oneOf(Arbitraries.just(new PingReq()), clientIds().map(PingReq::new)),
                Arbitraries.just(new PingResp()),
                Arbitraries.oneOf(Arbitraries.just(new Disconnect()), u16().map(Disconnect::new)),
                Arbitraries.oneOf(Arbitraries.just(new WillTopicUpd(0, false, "")),
                        Combinators.combine(qos(), bools(), topicNames()).as(WillTopicUpd::new)),
                returnCodes().map(WillTopicResp::new),
                payloads().map(WillMsgUpd::new),
                returnCodes().map(WillMsgResp::new),
                Combinators.combine(Arbitraries.integers().between(0, 3),
                        Arbitraries.oneOf(bytes(0, 8), bytes(250, 400)), bytes(1, 64)).as(Encapsulated::new)));
    }

    /** Mostly short, but often long enough to need the 3-byte length form. */
    static Arbitrary<byte[]> payloads() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, bytes(0, 40)),
                Tuple.of(1, bytes(250, 1500)));
    }

    static Arbitrary<String> topicNames() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, text(1, 30)),
                Tuple.of(1, text(200, 400)));
    }

    static Arbitrary<String> clientIds() {
        return text(1, 23).filter(id -> id.getBytes(StandardCharsets.UTF_8).length <= MqttSnMessage.MAX_CLIENT_ID);
    }

    /** Well-formed text (surrogates only in pairs), mostly ASCII but with 2-, 3- and 4-byte UTF-8 characters. */
    static Arbitrary<String> text(int minCodePoints, int maxCodePoints) {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(0, 0x7F)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0xD7FF)),
                Tuple.of(1, Arbitraries.integers().between(0xE000, 0x10FFFF)));
        return codePoints.list().ofMinSize(minCodePoints).ofMaxSize(maxCodePoints).map(MqttSnArbitraries::fromCodePoints);
    }

    private static String fromCodePoints(List<Integer> codePoints) {
        StringBuilder text = new StringBuilder();
        for (int codePoint : codePoints) {
            text.appendCodePoint(codePoint);
        }
        return text.toString();
    }

    static Arbitrary<TopicRef> publishTopics() {
        return Arbitraries.oneOf(u16().map(TopicRef.Registered::new), u16().map(TopicRef.Predefined::new), shortNames());
    }

    static Arbitrary<TopicRef> filterTopics() {
        return Arbitraries.oneOf(topicNames().map(TopicRef.Name::new), u16().map(TopicRef.Predefined::new), shortNames());
    }

    private static Arbitrary<TopicRef> shortNames() {
        Arbitrary<Character> oneByte = Arbitraries.chars().range('\u0000', '\u00ff');
        return Combinators.combine(oneByte, oneByte).as((a, b) -> new TopicRef.Short("" + a + b));
    }

    static Arbitrary<byte[]> bytes(int min, int max) {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max);
    }

    private static Arbitrary<Integer> u8() {
        return Arbitraries.integers().between(0, 0xFF);
    }

    private static Arbitrary<Integer> u16() {
        return Arbitraries.integers().between(0, 0xFFFF);
    }

    private static Arbitrary<Integer> qos() {
        return Arbitraries.integers().between(0, 2);
    }

    private static Arbitrary<Boolean> bools() {
        return Arbitraries.of(true, false);
    }

    private static Arbitrary<ReturnCode> returnCodes() {
        return Arbitraries.of(ReturnCode.class);
    }
}
