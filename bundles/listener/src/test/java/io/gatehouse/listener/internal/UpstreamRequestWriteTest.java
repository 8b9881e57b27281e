package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.ByteArrayEndPoint;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.content.AsyncContent;
import org.eclipse.jetty.io.content.ByteBufferContentSource;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a request goes out on an upstream connection, write by write: a body that is already there goes in the same
 * write as the head (one segment, one wake-up of the backend), one that is not follows it when it comes.
 */
class UpstreamRequestWriteTest {

    /** Records what each flush handed the socket at once. */
    private static final class RecordingEndPoint extends ByteArrayEndPoint {

        final List<String> flushes = new CopyOnWriteArrayList<>();

        RecordingEndPoint() {
            super(null, 0, (ByteBuffer) null, 4096, true);
        }

        @Override
        public boolean flush(ByteBuffer... buffers) throws IOException {
            StringBuilder bytes = new StringBuilder();
            for (ByteBuffer buffer : buffers) {
                bytes.append(StandardCharsets.ISO_8859_1.decode(buffer.slice()));
            }
            boolean flushed = super.flush(buffers);
            if (bytes.length() > 0) {
                flushes.add(bytes.toString());
            }
            return flushed;
        }
    }

    private static final UpstreamConnection.Listener IGNORED = new UpstreamConnection.Listener() {
        @Override
        public void onHeaders(int status, List<HttpField> headers) {
        }

        @Override
        public boolean onContent(ByteBuffer content, Runnable resume) {
            return false;
        }

        @Override
        public void onComplete(int status, List<HttpField> headers) {
        }

        @Override
        public void onFailure(Throwable failure) {
        }
    };

    private static final UpstreamPool.Waiter TAKES_IT = new UpstreamPool.Waiter() {
        @Override
        public void queued() {
        }

        @Override
        public boolean ready(UpstreamConnection connection) {
            return true;
        }

        @Override
        public void failed(Throwable failure) {
        }
    };

    private ScheduledExecutorScheduler scheduler;
    private RecordingEndPoint endPoint;
    private UpstreamConnection connection;

    @BeforeEach
    void open() throws Exception {
        scheduler = new ScheduledExecutorScheduler();
        scheduler.start();
        endPoint = new RecordingEndPoint();
        connection = new UpstreamConnection(endPoint, Runnable::run, scheduler, new UpstreamPool(null, 1, 1, 1000),
                new UpstreamPool.Slot("127.0.0.1", 1), TAKES_IT);
        endPoint.setConnection(connection);
        connection.onOpen();
    }

    @AfterEach
    void close() throws Exception {
        endPoint.close();
        scheduler.stop();
    }

    private RequestHead post(String contentLength) {
        return connection.head().requestLine("POST", "/orders", null).field("Host", "app")
                .field("Content-Length", contentLength).end();
    }

    @Test
    void aBodyAlreadyHereGoesInTheHeadsWrite() {
        String body = "{\"item\":\"book\",\"qty\":2}";
        Content.Source source = new ByteBufferContentSource(ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));

        connection.send(post(String.valueOf(body.length())), false, source, false, 0, IGNORED);

        assertEquals(List.of("POST /orders HTTP/1.1\r\nHost: app\r\nContent-Length: 23\r\n\r\n" + body),
                endPoint.flushes);
    }

    @Test
    void aBodyNotYetHereFollowsTheHeadWhenItComes() {
        AsyncContent source = new AsyncContent();

        connection.send(post("4"), false, source, false, 0, IGNORED);
        assertEquals(List.of("POST /orders HTTP/1.1\r\nHost: app\r\nContent-Length: 4\r\n\r\n"), endPoint.flushes);

        source.write(true, ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)), Callback.NOOP);
        assertEquals(2, endPoint.flushes.size(), endPoint.flushes.toString());
        assertEquals("ping", endPoint.flushes.get(1));
    }

    @Test
    void aBodyOfUnknownLengthAlreadyHereGoesChunkedInTheHeadsWrite() {
        Content.Source source = new ByteBufferContentSource(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
        RequestHead head = connection.head().requestLine("POST", "/orders", null).field("Host", "app")
                .field("Transfer-Encoding", "chunked").end();

        connection.send(head, false, source, true, 0, IGNORED);

        assertEquals(1, endPoint.flushes.size(), endPoint.flushes.toString());
        assertTrue(endPoint.flushes.get(0).endsWith("\r\n\r\n4\r\nping\r\n0\r\n\r\n"), endPoint.flushes.get(0));
    }
}
