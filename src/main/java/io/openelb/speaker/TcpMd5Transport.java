package io.openelb.speaker;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.spi.transport.Transport;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ThreadFactory;

/**
 * The epoll transport, plus TCP MD5 signatures (RFC 2385) and the IP TTL of eBGP sessions on BGP sockets. The key must be on the socket
 * before the SYN goes out (client) or comes in (listener), which Vert.x socket options cannot do; this
 * sets {@link EpollChannelOption#TCP_MD5SIG} when the channel is created. Only BGP sockets get keys:
 * clients whose options carry {@link #BGP_CLIENT} as metrics name, and the server on the BGP listen
 * port; the API server connection and the HTTP endpoint are untouched.
 *
 * <p>Datagram sockets whose options carry {@link #BFD_TRAFFIC_CLASS} are BFD sockets: their packets leave
 * with TTL (hop limit) 255 and the kernel drops received ones with less ({@link TtlFilter}), as single-hop
 * BFD requires (RFC 5881 section 5). Other datagram sockets (the DNS resolver's) are untouched.
 */
final class TcpMd5Transport implements io.vertx.core.transport.Transport {
    /** Metrics name that marks a BGP client's options. */
    static final String BGP_CLIENT = "openelb-bgp";
    private static final String TTL_SUFFIX = "/ttl=";
    // setsockopt(IPPROTO_IP, IP_TTL) and (IPPROTO_IPV6, IPV6_UNICAST_HOPS): a dual-stack socket needs both
    private static final IntegerUnixChannelOption IP_TTL = new IntegerUnixChannelOption("OPENELB_IP_TTL", 0, 2);
    private static final IntegerUnixChannelOption IPV6_HOPS = new IntegerUnixChannelOption("OPENELB_IPV6_HOPS", 41, 16);
    /** Traffic class of BFD sockets (DSCP CS6, network control, as BIRD and FRR send BFD): marks them here. */
    static final int BFD_TRAFFIC_CLASS = 0xC0;
    private static final int GTSM_TTL = 255;

    /** The metrics name of a BGP client whose packets leave with this TTL (0: the system's default). */
    static String bgpClient(int ttl) {
        return ttl > 0 ? BGP_CLIENT + TTL_SUFFIX + ttl : BGP_CLIENT;
    }

    private final TcpMd5Keys keys;
    private final Transport epoll = io.vertx.core.transport.Transport.EPOLL.implementation();

    TcpMd5Transport(TcpMd5Keys keys) {
        this.keys = keys;
    }

    /** This transport when epoll is available (Linux), else null: the default transport, without MD5. */
    static TcpMd5Transport ifAvailable(TcpMd5Keys keys) {
        if (!io.vertx.core.transport.Transport.EPOLL.available()) {
            keys.unsupported("TCP MD5 needs the Linux epoll transport, unavailable here: "
                    + io.vertx.core.transport.Transport.EPOLL.unavailabilityCause());
            return null;
        }
        return new TcpMd5Transport(keys);
    }

    @Override
    public String name() {
        return "epoll+tcp-md5";
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public Throwable unavailabilityCause() {
        return null;
    }

    @Override
    public Transport implementation() {
        return new BgpSockets();
    }

    /** The epoll transport's SPI, with keys and TTL on BGP sockets. */
    private final class BgpSockets implements Transport {
        @Override
        public boolean supportsDomainSockets() {
            return epoll.supportsDomainSockets();
        }

        @Override
        public boolean supportFileRegion() {
            return epoll.supportFileRegion();
        }

        @Override
        public SocketAddress convert(io.vertx.core.net.SocketAddress address) {
            return epoll.convert(address);
        }

        @Override
        public io.vertx.core.net.SocketAddress convert(SocketAddress address) {
            return epoll.convert(address);
        }

        @Override
        public IoHandlerFactory ioHandlerFactory() {
            return epoll.ioHandlerFactory();
        }

        @Override
        public EventLoopGroup eventLoopGroup(int type, int threads, ThreadFactory factory, int ioRatio) {
            return epoll.eventLoopGroup(type, threads, factory, ioRatio);
        }

        @Override
        public DatagramChannel datagramChannel() {
            return epoll.datagramChannel();
        }

        @Override
        public DatagramChannel datagramChannel(InternetProtocolFamily family) {
            return epoll.datagramChannel(family);
        }

        @Override
        public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
            return epoll.channelFactory(domainSocket);
        }

        @Override
        public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
            return epoll.serverChannelFactory(domainSocket);
        }

        @Override
        public void configure(DatagramChannel channel, DatagramSocketOptions options) {
            epoll.configure(channel, options);
            if (options.getTrafficClass() == BFD_TRAFFIC_CLASS && channel instanceof EpollDatagramChannel bfd) {
                bfd.config().setOption(IP_TTL, GTSM_TTL);
                bfd.config().setOption(IPV6_HOPS, GTSM_TTL);
                TtlFilter.attach(bfd.fd().intValue());
            }
        }

        @Override
        public void configure(ClientOptionsBase options, int connectTimeout, boolean domainSocket,
                Bootstrap bootstrap) {
            epoll.configure(options, connectTimeout, domainSocket, bootstrap);
            String name = options.getMetricsName();
            if (name == null || !name.startsWith(BGP_CLIENT)) {
                return;
            }
            Map<InetAddress, byte[]> current = keys.snapshot();
            if (!current.isEmpty()) {
                bootstrap.option(EpollChannelOption.TCP_MD5SIG, current);
            }
            int ttl = name.startsWith(BGP_CLIENT + TTL_SUFFIX)
                    ? Integer.parseInt(name.substring(BGP_CLIENT.length() + TTL_SUFFIX.length())) : 0;
            if (ttl > 0) { // from the SYN on, as routers expect of eBGP (1) or multihop eBGP
                bootstrap.option(IP_TTL, ttl);
                bootstrap.option(IPV6_HOPS, ttl);
            }
        }

        @Override
        public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
            epoll.configure(options, domainSocket, bootstrap);
            Map<InetAddress, byte[]> current = keys.snapshot();
            if (options.getPort() > 0 && options.getPort() == keys.listenPort() && !current.isEmpty()) {
                bootstrap.option(EpollChannelOption.TCP_MD5SIG, current); // accepted sockets inherit them
            }
        }
    }
}
