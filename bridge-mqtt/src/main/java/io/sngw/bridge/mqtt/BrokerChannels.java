package io.sngw.bridge.mqtt;

import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.timeout.IdleStateHandler;

/** Opens the TCP channel to the broker (Netty NIO, on the upstream loop) and builds its pipeline. */
final class BrokerChannels {
    private final BridgeOptions options;
    private final EventLoop loop;

    BrokerChannels(BridgeOptions options, EventLoop loop) {
        this.options = options;
        this.loop = loop;
    }

    /** Starts connecting; {@code handler} is the pipeline's last handler and sees the channel's life. */
    ChannelFuture connect(ChannelHandler handler) {
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initPipeline(ch.pipeline(), handler);
                    }
                });
        return bootstrap.connect(options.host(), options.port());
    }

    /**
     * The pipeline, outermost first. TLS will slot in as the first handler
     * ({@code pipeline.addFirst("tls", sslContext.newHandler(ch.alloc(), host, port))}) without changing the rest.
     */
    private void initPipeline(ChannelPipeline pipeline, ChannelHandler handler) {
        long keepAliveMillis = options.keepAlive().toMillis();
        pipeline.addLast("idle", new IdleStateHandler(keepAliveMillis, keepAliveMillis, 0, TimeUnit.MILLISECONDS));
        pipeline.addLast("frames", new MqttFrameGuard(MqttBridge.MAX_INBOUND_PACKET_BYTES));
        pipeline.addLast("decoder", new MqttDecoder(MqttBridge.MAX_INBOUND_PACKET_BYTES));
        pipeline.addLast("encoder", MqttEncoder.INSTANCE);
        pipeline.addLast("bridge", handler);
    }
}
