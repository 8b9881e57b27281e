package io.gatehouse.listener.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that accepts any upgrade with 101 (answering the key's Sec-WebSocket-Accept) and then echoes every byte back (the tunnel is byte-transparent, so
 * frames need no parsing here); "bye" from the client makes it close the connection. Records the upgrade request
 * heads and counts the connections that ended.
 */
final class UpgradeEchoBackend extends RawSocketBackend {

    final List<String> heads = new CopyOnWriteArrayList<>();
    final AtomicInteger ended = new AtomicInteger();
    /** Answers with a Sec-WebSocket-Accept that does not match the key (a broken backend). */
    volatile boolean wrongAccept;

    UpgradeEchoBackend() throws IOException {
        super("upgrade-echo-backend");
    }

    @Override
    void serve(Socket socket, int id) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.write(b);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            heads.add(text);
            String key = text.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("");
            String accept = wrongAccept ? "not-the-right-accept" : WebSocketTunnel.acceptFor(key);
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\nServer: backend/1.0\r\n\r\nwelcome")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (new String(buffer, 0, n, StandardCharsets.ISO_8859_1).equals("bye")) {
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the tunnel closed this side
        } finally {
            ended.incrementAndGet();
        }
    }
}
