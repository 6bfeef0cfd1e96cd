package io.openelb.ipam;

import java.io.File;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;

/**
 * Test fixture only: a class in a pure package that touches sockets, channels, files and threads, which
 * {@code LayeringTest} must reject. Lives under src/test so production never contains it.
 */
public final class OutsideWorldFixture {
    private OutsideWorldFixture() {}

    static boolean touches(Socket socket, SocketChannel channel, File file, Path path, ExecutorService executor) {
        return socket.isConnected() && channel.isOpen() && file.exists() && path.isAbsolute()
                && !executor.isShutdown() && !Thread.currentThread().isInterrupted();
    }
}
