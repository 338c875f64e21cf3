package io.sngw.deploy;

import io.sngw.transport.serial.SerialLink;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** The one line {@code sngw run} logs once it is up: what it listens on, which broker, as whom. */
final class StartupLine {
    private StartupLine() {
    }

    /**
     * @param embedded whether {@code upstreamUrl} is the embedded broker's
     * @param udp      the plain UDP address listened on; null when off
     * @param dtls     the DTLS address listened on; null when off
     */
    static String of(GatewayConfig config, String upstreamUrl, boolean embedded, InetSocketAddress udp,
                     InetSocketAddress dtls, List<SerialLink> serialLinks) {
        String upstream = embedded ? "embedded broker at " + upstreamUrl : upstreamUrl;
        int topics = config.predefinedTopics().size();
        List<String> links = new ArrayList<>();
        if (udp != null) {
            links.add("udp " + hostPort(udp));
        }
        if (dtls != null) {
            links.add("dtls " + hostPort(dtls));
        }
        serialLinks.forEach(l -> links.add("serial " + l.options().port().device() + " ("
                + l.options().framing().configName() + ", " + l.options().port().baud() + " baud)"));
        String listeners = String.join(" and ", links);
        UpstreamProtocolSettings up = config.upstream().protocol();
        return "sngw " + Version.get() + " started: MQTT-SN on " + listeners + ", upstream " + upstream + " as "
                + config.upstream().clientId() + " (MQTT " + up.protocol().configName()
                + (up.transparent() ? ", transparent: a connection per sensor as " + up.transparentClientId() : "")
                + (up.topicTemplate().isIdentity() ? "" : ", topics under " + up.topicTemplate()) + "), " + topics
                + " predefined topic" + (topics == 1 ? "" : "s");
    }

    /** {@code host:port}, an IPv6 host in brackets. */
    static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
