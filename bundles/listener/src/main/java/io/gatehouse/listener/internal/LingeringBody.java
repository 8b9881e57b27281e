package io.gatehouse.listener.internal;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * Lingering close, as NGINX's {@code lingering_close}: over HTTP/1.x, an answer given before the client sent its whole
 * body (a backend's early 413, a filter's 403, a redirect) is followed by reading and discarding the rest of the body
 * before the exchange completes. Closing with the client's bytes unread would make the kernel answer them with a
 * reset, and a client still sending loses the answer it has not read yet. At most {@link #MAX_BYTES} are read this
 * way (a stalled client ends at the idle timeout); beyond, the connection closes anyway. HTTP/2 needs none of it: the
 * stream is reset, not the connection.
 */
final class LingeringBody implements Runnable {

    /** The most a client's unread body is drained before its connection is closed instead. */
    static final long MAX_BYTES = 64L * 1024 * 1024;

    private final Content.Source body;
    private final Callback done;
    private long drained;

    private LingeringBody(Content.Source body, Callback done) {
        this.body = body;
        this.done = done;
    }

    /**
     * Succeeds {@code done} once the rest of the request's HTTP/1.x body, if any, is read and discarded.
     *
     * @param proxied the body as the proxy read it (it may have a demand pending), or null when it read none
     */
    static void thenSucceed(Request request, ClientBody proxied, Callback done) {
        if (!hasBody(request) || request.getConnectionMetaData().getHttpVersion().getVersion() >= 20) {
            done.succeeded();
            return;
        }
        new LingeringBody(proxied != null ? proxied : request, done).run();
    }

    private static boolean hasBody(Request request) {
        return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = body.read();
            if (chunk == null) {
                body.demand(this);
                return;
            }
            drained += chunk.remaining();
            boolean end = chunk.isLast() || Content.Chunk.isFailure(chunk);
            chunk.release();
            if (end || drained > MAX_BYTES) {
                done.succeeded();
                return;
            }
        }
    }
}
