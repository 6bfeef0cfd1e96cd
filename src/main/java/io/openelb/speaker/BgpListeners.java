package io.openelb.speaker;

import io.openelb.model.IpAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.net.BindException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker's BGP listeners: BgpConf {@code listenPort} on {@code listenAddresses} (or every address of
 * the node). A connection is handed to the session of the peer it comes from, or closed. Reopened when
 * the MD5 keys change: a listening socket takes keys only when created. Runs on the speaker's event loop.
 */
final class BgpListeners {
    private static final Logger LOG = LoggerFactory.getLogger(BgpListeners.class);
    private static final int BIND_ATTEMPTS = 20;
    private static final long BIND_RETRY_MS = 50;

    private final Vertx vertx;
    private final TcpMd5Keys md5Keys;
    private final Function<String, Optional<BgpSession>> sessionOf;
    private final List<NetServer> listeners = new ArrayList<>();
    private final Map<String, String> refusals = new HashMap<>();
    private List<String> addresses = List.of();
    private int port;
    /** Every close not yet completed: a listener opened on a port still closing is refused every connection. */
    private Future<?> closing = Future.succeededFuture();
    /** Counts updates and closes: listeners waiting for a close are opened only if no newer one came. */
    private long generation;

    /** @param sessionOf the session of the peer with this (canonical) address */
    BgpListeners(Vertx vertx, TcpMd5Keys md5Keys, Function<String, Optional<BgpSession>> sessionOf) {
        this.vertx = vertx;
        this.md5Keys = md5Keys;
        this.sessionOf = sessionOf;
    }

    /** The port listened on, 0 when none. */
    int port() {
        return Math.max(0, port);
    }

    /** The addresses listened on, empty when none. */
    List<String> addresses() {
        return port > 0 ? addresses : List.of();
    }

    /** Listens on this port (none when 0 or less) and these addresses; reopens when the keys changed. */
    void update(int newPort, List<String> newAddresses, boolean keysChanged) {
        if (newPort == port && newAddresses.equals(addresses) && !keysChanged) {
            return;
        }
        close();
        long opening = generation;
        port = newPort;
        addresses = newAddresses;
        md5Keys.listenPort(newPort);
        if (newPort <= 0) {
            return;
        }
        // Vert.x shares a server bound to the same port and host, even one that is closing: listening again
        // before the close completed "succeeded" and then refused every connection (after an MD5 key change)
        closing.onComplete(closed -> newAddresses.forEach(address -> listenOn(newPort, address, opening, 1)));
    }

    /** Closes every listener; listeners an earlier update still waits to open are not opened. */
    Future<?> close() {
        generation++;
        List<Future<?>> closed = new ArrayList<>(listeners.stream().map(NetServer::close).toList());
        listeners.clear();
        closed.add(closing);
        closing = Future.join(closed);
        return closing;
    }

    private void listenOn(int port, String address, long opening, int attempt) {
        if (opening != generation) {
            return; // closed or replaced meanwhile
        }
        // Port and host go in the options: that is how the transport knows this server is BGP's and
        // gives it the MD5 keys.
        NetServerOptions options = new NetServerOptions().setTcpNoDelay(true).setPort(port).setHost(address);
        NetServer listener = vertx.createNetServer(options).connectHandler(this::accepted);
        listeners.add(listener);
        listener.listen().onComplete(r -> {
            if (r.succeeded()) {
                LOG.info("listening for BGP on port {} ({})", port, address.equals("::") ? "all addresses" : address);
                return;
            }
            listeners.remove(listener);
            if (r.cause() instanceof BindException && attempt < BIND_ATTEMPTS) {
                // Vert.x completes a listener's close before its socket is unbound: reopening the same port
                // at once is refused for a few milliseconds
                vertx.setTimer(BIND_RETRY_MS, id -> listenOn(port, address, opening, attempt + 1));
            } else {
                LOG.error("cannot listen for BGP on {} port {}: {}", address, port, r.cause().getMessage());
            }
        });
    }

    private void accepted(NetSocket socket) {
        String remote = canonical(socket.remoteAddress().hostAddress().replaceFirst("^::ffff:", ""));
        BgpSession session = sessionOf.apply(remote).orElse(null);
        if (session == null) {
            refuse(remote, "no BgpPeer with that address", "refusing BGP connections from {}: {}");
            socket.close();
        } else if (!session.accept(socket)) {
            refuse(remote, "its session keeps its own connection (" + session.state() + ")",
                    "refusing a BGP connection from {}: {}");
        } else {
            refusals.remove(remote);
        }
    }

    /** Routers retry every few seconds: each reason is said once per address. */
    private void refuse(String remote, String why, String format) {
        if (!why.equals(refusals.put(remote, why))) {
            LOG.info(format, remote, why);
        }
    }

    static String canonical(String address) {
        try {
            return IpAddress.parse(address).toString();
        } catch (IllegalArgumentException e) {
            return address;
        }
    }
}
