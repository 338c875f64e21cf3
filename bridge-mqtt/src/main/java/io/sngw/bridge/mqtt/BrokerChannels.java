package io.sngw.bridge.mqtt;

import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * Opens the TCP channel to the broker (native epoll or NIO as {@link BrokerIo} picks, on the upstream loop) and builds
 * its pipeline, with TLS first when the options ask for it.
 */
final class BrokerChannels {
    /**
     * What may wait in the gateway, written and not yet taken by the socket, before the bridge stops taking publishes:
     * 16 KiB (Netty's default is 64). When the broker stops reading for a moment (Mosquitto flat out paused 300-400 ms
     * at times), every message already written waits that long in the gateway, where the QoS 0 age bound can no longer
     * drop it; with 64 KiB of batches that was over 1 % of the QoS 0 messages, p99 from arrival to the socket 320-350
     * ms. With 16 KiB, 60-71 ms, at the same throughput (QoS 0 flat out and QoS 1 100 x 10, interleaved runs).
     */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(8 * 1024, 16 * 1024);
    private final BridgeOptions options;
    private final EventLoop loop;
    private final TlsContexts tls;

    BrokerChannels(BridgeOptions options, EventLoop loop) {
        this.options = options;
        this.loop = loop;
        this.tls = options.tls() == null ? null : new TlsContexts(options.tls());
    }

    /**
     * Starts connecting; {@code handler} is the pipeline's last handler and sees the channel's life. Fails at once,
     * without connecting, when the TLS files cannot make a context (the message says what to fix).
     */
    ChannelFuture connect(ChannelHandler handler) throws TlsSetupException {
        SslContext ssl = tls == null ? null : tls.current();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(BrokerIo.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast("tls", tlsHandler(ssl, ch));
                        }
                        initPipeline(ch.pipeline(), handler);
                    }
                });
        return bootstrap.connect(options.host(), options.port());
    }

    /**
     * The TLS handler for the broker's host: its name goes into the engine for hostname verification and as SNI (a
     * cloud's shared endpoint picks the certificate, and AWS the account, by it; an IP literal gets no SNI).
     */
    private SslHandler tlsHandler(SslContext ssl, SocketChannel ch) {
        SslHandler handler = ssl.newHandler(ch.alloc(), options.host(), options.port());
        handler.setHandshakeTimeoutMillis(options.connectTimeout().toMillis());
        if (!NetUtil.isValidIpV4Address(options.host()) && !NetUtil.isValidIpV6Address(options.host())) {
            SSLEngine engine = handler.engine();
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(options.host())));
            engine.setSSLParameters(parameters);
        }
        return handler;
    }

    /** The MQTT pipeline after TLS (if any), outermost first. */
    private void initPipeline(ChannelPipeline pipeline, ChannelHandler handler) {
        long keepAliveMillis = options.keepAlive().toMillis();
        pipeline.addLast("idle", new IdleStateHandler(keepAliveMillis, keepAliveMillis, 0, TimeUnit.MILLISECONDS));
        pipeline.addLast("frames", new MqttFrameGuard(MqttBridge.MAX_INBOUND_PACKET_BYTES));
        pipeline.addLast("decoder", new MqttDecoder(MqttBridge.MAX_INBOUND_PACKET_BYTES));
        pipeline.addLast("encoder", MqttEncoder.INSTANCE);
        pipeline.addLast("bridge", handler);
    }
}
