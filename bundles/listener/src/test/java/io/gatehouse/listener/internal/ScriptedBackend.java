package io.gatehouse.listener.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP/1.1 backend written on raw sockets, whose answers are chosen by path, so a test controls exactly what the
 * gateway's upstream connection sees: keep-alive or not, a body delimited by the connection's end, a 103 before the
 * answer, a malformed status line, a slow answer, a close right after an answer, an answer before the request's
 * body, a body larger than the socket buffers. Every answer names the connection
 * it came on and the request's number on it ({@code {"conn":0,"n":2}}), so reuse is visible to the client.
 */
final class ScriptedBackend extends RawSocketBackend {

    /** The length of {@code /large}'s body: more than the socket buffers between gateway and client hold. */
    static final int LARGE = 16 * 1024 * 1024;

    /** Every request head received, in order. */
    final List<String> heads = new CopyOnWriteArrayList<>();

    ScriptedBackend() throws IOException {
        super("scripted-backend");
    }

    @Override
    void serve(Socket connection, int id) {
        try (connection) {
            InputStream in = connection.getInputStream();
            OutputStream out = connection.getOutputStream();
            for (int n = 0; ; n++) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                heads.add(head);
                String[] line = head.substring(0, head.indexOf('\r')).split(" ");
                String method = line[0];
                String path = line[1];
                String body = "{\"conn\":" + id + ",\"n\":" + n + "}";
                String ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                        + "\r\n\r\n" + ("HEAD".equals(method) ? "" : body);
                if (path.equals("/drop-on-reuse") && n > 0) {
                    return; // closes a kept-alive connection as the next request arrives, unanswered
                }
                switch (path) {
                    case "/close" -> {
                        write(out, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: " + body.length()
                                + "\r\n\r\n" + body);
                        return;
                    }
                    case "/until-close" -> {
                        write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body);
                        return;
                    }
                    case "/early" -> write(out, "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                            + ok);
                    case "/refuse" -> {
                        // answers before reading the request's body, as a backend refusing an upload does
                        write(out, "HTTP/1.1 413 Payload Too Large\r\nContent-Length: " + body.length() + "\r\n\r\n"
                                + body);
                        Thread.sleep(500);
                        return;
                    }
                    case "/large" -> {
                        write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                                + LARGE + "\r\n\r\n");
                        out.write(new byte[LARGE]);
                        out.flush();
                    }
                    case "/bad" -> {
                        write(out, "HTTP/1.1 2x0 Nope\r\n\r\n");
                        return;
                    }
                    case "/slow" -> {
                        Thread.sleep(3000);
                        write(out, ok);
                    }
                    case "/linger" -> {
                        Thread.sleep(700);
                        write(out, ok);
                    }
                    case "/pause" -> {
                        Thread.sleep(150);
                        write(out, ok);
                    }
                    case "/hang-up-after" -> {
                        write(out, ok);
                        Thread.sleep(100);
                        return; // as a backend whose keep-alive timeout ends an idle connection
                    }
                    default -> write(out, ok);
                }
            }
        } catch (IOException | InterruptedException e) {
            // the gateway closed the connection, or the test ended
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** A request head up to its empty line, or null at the end of the connection. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
