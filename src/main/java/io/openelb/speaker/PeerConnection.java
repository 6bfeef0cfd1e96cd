package io.openelb.speaker;

import io.openelb.bgp.codec.BgpCodec;
import io.openelb.bgp.codec.BgpError;
import io.openelb.bgp.fsm.Event;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP side of one BGP session: connects to the router or takes the connection the router opened,
 * cuts the byte stream into messages, writes, closes. What happens to the connection goes to the
 * {@link Listener}; callbacks of a connection closed or replaced since are dropped. Every method runs on
 * the owning verticle's event loop, and so do the listener's calls.
 */
final class PeerConnection {
    private static final Logger LOG = LoggerFactory.getLogger(PeerConnection.class);

    /** The session this connection reports to. */
    interface Listener {
        /** Whether the answer to a connect attempt is still wanted (the session waits in Connect). */
        boolean connecting();

        /** {@link Event.TcpConnected}, {@link Event.TcpFailed} or {@link Event.DecodeFailed}. */
        void event(Event event);

        /** One whole message as received; throws {@link BgpError} if it does not decode. */
        void frame(byte[] frame);
    }

    private final PeerTarget target;
    private final NetClient client;
    private final Listener listener;
    private NetSocket socket;
    private NetSocket incoming; // a connection the peer opened, while the session decides on it
    private long connection; // counts sockets, so that callbacks of an old one are ignored
    private long writeFailureReported; // the connection whose failed write was reported: once is enough

    PeerConnection(Vertx vertx, PeerTarget target, Listener listener) {
        this.target = target;
        this.listener = listener;
        // the metrics name marks the client as BGP's: TcpMd5Transport signs its sockets and sets the TTL
        this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
                .setMetricsName(TcpMd5Transport.bgpClient(target.ttl()))
                .setConnectTimeout((int) Math.max(1000, target.config().connectRetry().toMillis())));
    }

    /** Opens a connection to the router; reports TcpConnected, or TcpFailed with a readable reason. */
    void connect() {
        long attempt = ++connection;
        client.connect(target.port(), target.address().toString()).onComplete(result -> {
            if (attempt != connection || !listener.connecting()) {
                if (result.succeeded()) {
                    result.result().close(); // a late answer to an attempt given up already
                }
                return;
            }
            if (result.failed()) {
                listener.event(new Event.TcpFailed(describe(result.cause())));
                return;
            }
            adopt(result.result(), attempt);
            listener.event(new Event.TcpConnected());
        });
    }

    /** Holds a connection the router opened while the session decides on it (adopt or refuse). */
    void offer(NetSocket offered) {
        incoming = offered;
    }

    /** After the session's decision: true if {@code offered} became the connection; closes it if undecided. */
    boolean settled(NetSocket offered) {
        if (incoming != null) { // neither taken nor refused: cannot happen, but never leak a socket
            incoming.close();
            incoming = null;
            return false;
        }
        return socket == offered;
    }

    /** Makes the offered connection this session's (any own connection is closed already). */
    void adoptIncoming() {
        adopt(incoming, ++connection);
        incoming = null;
    }

    /** Sends {@code notification} on the offered connection and closes it; the own connection stays. */
    void refuseIncoming(byte[] notification) {
        NetSocket refused = incoming;
        incoming = null;
        refused.write(Buffer.buffer(notification)).onComplete(v -> refused.close());
    }

    /** Whether there is a connection to write on. */
    boolean open() {
        return socket != null;
    }

    /**
     * Writes one encoded message, if there is a connection. A write that fails is logged and reported as
     * TcpFailed, once per connection: the messages queued behind it fail for the same reason.
     */
    void write(byte[] message) {
        if (socket != null) {
            long attempt = connection;
            socket.write(Buffer.buffer(message)).onFailure(cause -> writeFailed(attempt, cause));
        }
    }

    private void writeFailed(long attempt, Throwable cause) {
        if (attempt != connection || attempt == writeFailureReported || socket == null) {
            return; // that connection is closed already, or its failure is told
        }
        writeFailureReported = attempt;
        String why = "write failed: " + describe(cause);
        LOG.warn("peer {}: {}", target.name(), why);
        listener.event(new Event.TcpFailed(why));
    }

    /** Closes the connection after what was written first (a NOTIFICATION) has gone out. */
    void close() {
        connection++;
        if (socket != null) {
            NetSocket s = socket;
            socket = null;
            s.end().onComplete(v -> s.close());
        }
    }

    /** Stops the client: no more connect attempts. */
    void dispose() {
        client.close();
    }

    /** This node's address on the connection (an IPv4-mapped one as IPv4), or "" without one. */
    String localAddress() {
        return socket == null ? "" : socket.localAddress().hostAddress().replaceFirst("^::ffff:", "");
    }

    private void adopt(NetSocket s, long attempt) {
        socket = s;
        socket.handler(framer(attempt));
        socket.closeHandler(v -> {
            if (attempt == connection && socket != null) {
                socket = null;
                listener.event(new Event.TcpFailed("connection closed by peer"));
            }
        });
    }

    /** Cuts the stream into messages: the 19-byte header says how long the rest is (RFC 4271 section 4.1). */
    private RecordParser framer(long attempt) {
        RecordParser parser = RecordParser.newFixed(BgpCodec.HEADER_LENGTH);
        Buffer[] header = new Buffer[1];
        parser.handler(chunk -> {
            if (attempt != connection) {
                return;
            }
            try {
                if (header[0] == null) {
                    int length = BgpCodec.frameLength(chunk.getBytes());
                    if (length == BgpCodec.HEADER_LENGTH) {
                        listener.frame(chunk.getBytes());
                    } else {
                        header[0] = chunk.copy();
                        parser.fixedSizeMode(length - BgpCodec.HEADER_LENGTH);
                    }
                } else {
                    Buffer frame = header[0].appendBuffer(chunk);
                    header[0] = null;
                    parser.fixedSizeMode(BgpCodec.HEADER_LENGTH);
                    listener.frame(frame.getBytes());
                }
            } catch (BgpError e) {
                LOG.warn("peer {}: {}", target.name(), e.getMessage());
                listener.event(new Event.DecodeFailed(e));
            }
        });
        return parser;
    }

    /**
     * Why a connection failed, readable: Netty reports ENETUNREACH/EHOSTUNREACH as an exception without a
     * message (shown as "null: /[2001:db8::1]:179"), so such a cause is named by its type ("no route to host").
     */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        if (message != null && !message.isBlank() && !message.startsWith("null")) {
            return message;
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root.getMessage() != null && !root.getMessage().isBlank() && !root.getMessage().startsWith("null")) {
            return root.getMessage();
        }
        String words = root.getClass().getSimpleName().replaceFirst("Exception$", "")
                .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
        return message != null && message.startsWith("null") ? words + message.substring(4) : words;
    }
}
