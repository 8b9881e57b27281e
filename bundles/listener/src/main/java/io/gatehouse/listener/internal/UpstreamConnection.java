package io.gatehouse.listener.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadPendingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.CyclicTimeout;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * One keep-alive HTTP/1.1 connection to a backend, run by the HTTPS connector's selector thread. It carries one
 * exchange at a time: it writes the request head in one write, parses the response ({@link UpstreamResponseParser})
 * and hands it to its {@link Listener}, which may pause the parsing while it writes a piece of the body to the client
 * (so the backend is read no faster than the client takes it). A connection is reused only after a complete,
 * persistent response with nothing left over.
 */
final class UpstreamConnection extends AbstractConnection.NonBlocking
        implements UpstreamResponseParser.Handler, GatewayConnector.Outbound {

    /** What one exchange on this connection hears of the backend's response. */
    interface Listener {

        /** The status line and the end-to-end and hop-by-hop headers, as the backend sent them. */
        void onHeaders(int status, List<HttpField> headers);

        /**
         * A piece of the body, valid until {@code resume} runs (or, when this returns false, until it returns).
         *
         * @return true to pause reading until {@code resume} runs
         */
        boolean onContent(ByteBuffer content, Runnable resume);

        /** The whole response has arrived; the connection is already back in the pool (or closed). */
        void onComplete(int status, List<HttpField> headers);

        /** The exchange failed: connection or protocol error, EOF, timeout. The connection is closed. */
        void onFailure(Throwable failure);
    }

    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int CLOSED = 2;
    private static final int NOT_PAUSED = 0;
    private static final int PAUSING = 1;
    private static final int PAUSED = 2;
    private static final int HEAD_BYTES = 4096;
    private static final int READ_BYTES = 16384;
    private static final byte[] CHUNK_END = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
    private static final byte[] CHUNK_END_LAST = {'\r', '\n', '0', '\r', '\n', '\r', '\n'};
    private static final byte[] NO_BYTES = {};

    final UpstreamPool.Slot slot;
    private final UpstreamPool pool;
    private final UpstreamResponseParser parser = new UpstreamResponseParser(READ_BYTES);
    private final AtomicInteger state = new AtomicInteger(BUSY);
    /** The current response's head, once it arrived. */
    private List<HttpField> headers;
    private final Runnable resume = this::resume;
    private final Runnable pumpTask = this::pump;
    private final Callback headWritten = Callback.from(Callback.InvocationType.NON_BLOCKING, this::pump, this::fail);
    /** The client's body still to send, or null. */
    private volatile Content.Source body;
    private boolean chunked;

    private final Callback writeDone = Callback.from(Callback.InvocationType.NON_BLOCKING, this::written, this::fail);
    /**
     * The exchange's two halves still to finish before the connection can carry another: the request's write and the
     * response. A response can be complete before the selector has seen its request's write through.
     */
    private final AtomicInteger pending = new AtomicInteger();
    private UpstreamPool.Waiter first;
    /** Exchanges this connection has carried, and whether the current one is not its first. */
    private int exchanges;
    private volatile boolean reused;
    /** Bytes of the current exchange's response have arrived. */
    private volatile boolean answered;
    private final CyclicTimeout deadline;
    private volatile long timeoutMs;
    /**
     * On the heap: the parser reads the backing array, not one bounds-checked read at a time; the socket read's copy out
     * of the JDK's direct buffer costs less (~3% less CPU per request). It holds any response head whole.
     */
    private final ByteBuffer in = BufferUtil.allocate(READ_BYTES);
    private ByteBuffer out = BufferUtil.allocateDirect(HEAD_BYTES);
    /** The request head of each exchange is written here, then copied to {@link #out}: reused, as that buffer is. */
    private final RequestHead head = new RequestHead(HEAD_BYTES);
    private volatile Listener listener;
    private boolean complete;
    private boolean eof;
    /** Whether the listener paused the parsing on a piece of body (see {@link #onContent}). */
    private final AtomicInteger pause = new AtomicInteger(NOT_PAUSED);

    UpstreamConnection(EndPoint endPoint, Executor executor, Scheduler scheduler, UpstreamPool pool,
            UpstreamPool.Slot slot, UpstreamPool.Waiter first) {
        super(endPoint, executor);
        this.pool = pool;
        this.slot = slot;
        this.first = first;
        // one timer per connection, moved on by each exchange, rather than a task scheduled and cancelled per request
        this.deadline = new CyclicTimeout(scheduler) {
            @Override
            public void onTimeoutExpired() {
                abort(new TimeoutException("no whole answer from " + slot.address + " within upstream.total.timeout.ms "
                        + timeoutMs));
            }
        };
    }

    @Override
    public void onOpen() {
        super.onOpen();
        UpstreamPool.Waiter waiter = first;
        first = null;
        if (!waiter.ready(this)) {
            pool.release(this);
        }
    }

    /** This connection's request head, emptied, for the exchange about to be sent on it. */
    RequestHead head() {
        return head.clear();
    }

    /** Takes this idle connection for an exchange; false when it closed meanwhile. */
    boolean take() {
        return state.compareAndSet(IDLE, BUSY) && getEndPoint().isOpen();
    }

    /** Back in the pool: watched, so a close by the backend removes it. */
    void idle() {
        state.set(IDLE);
        interested();
    }

    /**
     * Sends a request and reads the response for {@code listener}: the head, then the body (if any) as the client
     * sends it, each piece written before the next is read (back-pressure both ways), chunked when its length is not
     * known.
     *
     * @param head the request line and headers, with the final empty line (and, for a body of unknown length, with
     *     {@code Transfer-Encoding: chunked}): this connection's own {@link #head()}
     * @param body the client's request body, or null
     * @param chunked whether the body is sent in chunks (its length is not known)
     * @param timeoutMs how long the whole response may take, 0 for no limit
     */
    void send(RequestHead head, boolean headRequest, Content.Source body, boolean chunked, long timeoutMs,
            Listener listener) {
        this.listener = listener;
        this.reused = exchanges++ > 0;
        this.answered = false;
        this.body = body;
        this.chunked = chunked;
        this.timeoutMs = timeoutMs;
        if (timeoutMs > 0) {
            deadline.schedule(timeoutMs, TimeUnit.MILLISECONDS);
        }
        parser.reset(headRequest);
        headers = null;
        complete = false;
        eof = false;
        int length = head.length();
        if (out.capacity() < length) {
            out = BufferUtil.allocateDirect(Math.max(length, 2 * out.capacity()));
        }
        out.clear();
        head.copyTo(out);
        out.flip();
        pending.set(2);
        if (body == null) {
            getEndPoint().write(writeDone, out);
        } else {
            // the body's first piece, when it is already here, goes with the head in one write: one segment and one
            // wake-up of the backend instead of two (as NGINX sends a small body it has read with its head)
            Content.Chunk first = body.read();
            if (first == null) {
                getEndPoint().write(headWritten, out);
            } else if (Content.Chunk.isFailure(first)) {
                abort(first.getFailure()); // the client's body failed: the body source remembers it was the client's
                return;
            } else {
                write(first, out);
            }
        }
        if (this.listener != null) {
            interested();
        }
    }

    private void interested() {
        if (!isFillInterested()) {
            try {
                fillInterested();
            } catch (ReadPendingException alreadyInterested) {
                // another thread registered it first: either way the connection is watched
            }
        }
    }

    /**
     * Whether the exchange that just failed met a connection the backend had already let go of: a reused keep-alive
     * connection on which not a byte of an answer arrived. A backend closes an idle connection when its keep-alive
     * timeout ends (Node.js after 5 s, for example), and a request sent at that moment meets the close: the backend is
     * fine, the connection was not.
     */
    boolean stale() {
        return reused && !answered;
    }

    /** Ends the exchange in progress with {@code failure} and closes the connection. */
    void abort(Throwable failure) {
        getEndPoint().close(failure);
    }

    @Override
    public void onFillable() {
        if (listener == null) {
            // idle in the pool: the backend closed it, or sent what nobody asked for
            if (state.compareAndSet(IDLE, CLOSED)) {
                getEndPoint().close();
                return;
            }
            if (listener == null) {
                interested();
                return;
            }
        }
        read();
    }

    /** Parses what is buffered and reads more, until the response is complete, paused or needs more bytes. */
    private void read() {
        try {
            while (true) {
                // also with nothing buffered: a body's last piece that paused the parser ends the response now
                boolean stop = parser.parse(in, this);
                if (listener == null) {
                    return; // failed while parsing
                }
                if (complete) {
                    completed();
                    return;
                }
                if (stop) {
                    return; // paused: resume() goes on
                }
                if (eof) {
                    fail(new EOFException("the backend closed the connection before the whole response"));
                    return;
                }
                if (!in.hasRemaining()) {
                    BufferUtil.clear(in);
                } else if (BufferUtil.space(in) == 0) {
                    BufferUtil.compact(in);
                }
                int filled = getEndPoint().fill(in);
                if (filled > 0) {
                    answered = true;
                }
                if (filled == 0) {
                    interested();
                    return;
                }
                if (filled < 0) {
                    // the end of a body delimited by the connection's close, or of a response cut short
                    eof = true;
                    parser.atEOF();
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    /** The listener took the piece of body it paused for. */
    private void resume() {
        if (pause.compareAndSet(PAUSING, NOT_PAUSED)) {
            return; // taken while the listener was still in onContent: the parser goes on from there
        }
        pause.set(NOT_PAUSED);
        if (listener != null) {
            read();
        }
    }

    private void completed() {
        Listener done = listener;
        listener = null;
        deadline.cancel();
        // an answer that came before the whole request went out (a backend refusing a body early) ends the connection
        boolean bodyUnsent = body != null;
        body = null;
        boolean reuse = parser.persistent() && !eof && !in.hasRemaining() && getEndPoint().isOpen() && !bodyUnsent;
        int code = parser.status();
        // the connection goes back before the client gets the answer, so the client's next request finds it free
        List<HttpField> fields = headers;
        headers = null;
        if (!reuse) {
            state.set(CLOSED);
            getEndPoint().close();
        } else if (pending.decrementAndGet() == 0) {
            pool.release(this);
        }
        done.onComplete(code, fields);
    }

    private void written() {
        if (pending.decrementAndGet() == 0) {
            pool.release(this); // the response was complete first
        }
    }

    /** Writes the body's next piece, or waits for the client to send it; ends with the request's last byte. */
    private void pump() {
        Content.Source source = body;
        if (source == null || listener == null) {
            return; // the exchange ended (answered early, or failed) before its body was sent
        }
        Content.Chunk chunk = source.read();
        if (chunk == null) {
            source.demand(pumpTask);
            return;
        }
        if (Content.Chunk.isFailure(chunk)) {
            abort(chunk.getFailure()); // the client's body failed: the body source remembers it was the client's
            return;
        }
        write(chunk, null);
    }

    /** Writes a piece of the body, after {@code head} when it is not null; then reads the next, or ends the request. */
    private void write(Content.Chunk chunk, ByteBuffer head) {
        boolean last = chunk.isLast();
        ByteBuffer data = chunk.getByteBuffer();
        Callback next = Callback.from(Callback.InvocationType.NON_BLOCKING, () -> {
            chunk.release();
            if (last) {
                body = null;
                written();
            } else {
                pump();
            }
        }, x -> {
            chunk.release();
            fail(x);
        });
        ByteBuffer[] pieces;
        if (!chunked) {
            pieces = new ByteBuffer[] {data};
        } else if (data.hasRemaining()) {
            ByteBuffer size = ByteBuffer.wrap((Integer.toHexString(data.remaining()) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            pieces = new ByteBuffer[] {size, data, ByteBuffer.wrap(last ? CHUNK_END_LAST : CHUNK_END)};
        } else {
            pieces = new ByteBuffer[] {ByteBuffer.wrap(last ? LAST_CHUNK : NO_BYTES)};
        }
        if (head != null) {
            ByteBuffer[] withHead = new ByteBuffer[pieces.length + 1];
            withHead[0] = head;
            System.arraycopy(pieces, 0, withHead, 1, pieces.length);
            pieces = withHead;
        }
        getEndPoint().write(next, pieces);
    }

    private void fail(Throwable failure) {
        Listener failed = listener;
        listener = null;
        body = null;
        deadline.cancel();
        state.set(CLOSED);
        getEndPoint().close(failure);
        if (failed != null) {
            failed.onFailure(failure);
        }
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        deadline.destroy();
        state.set(CLOSED);
        pool.closed(this);
        Listener failed = listener;
        listener = null;
        if (failed != null) {
            failed.onFailure(cause != null ? cause : new EOFException("the connection to the backend closed"));
        }
    }

    @Override
    public void onFillInterestedFailed(Throwable cause) {
        fail(cause);
    }

    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
        if (pause.get() != NOT_PAUSED) {
            return false; // waiting for the client to take the last piece, not for the backend
        }
        fail(timeout);
        return true;
    }

    // ---- UpstreamResponseParser.Handler

    @Override
    public void onHead(int status, List<HttpField> fields) {
        headers = fields;
        Listener current = listener;
        if (current != null) {
            current.onHeaders(status, fields);
        }
    }

    @Override
    public boolean onContent(ByteBuffer content) {
        Listener current = listener;
        if (current == null) {
            return true;
        }
        pause.set(PAUSING);
        if (current.onContent(content, resume) && pause.compareAndSet(PAUSING, PAUSED)) {
            return true;
        }
        pause.set(NOT_PAUSED);
        return false;
    }

    @Override
    public void onComplete() {
        complete = true;
    }

    @Override
    public void onBad(String reason) {
        fail(new IOException("the backend sent a malformed response: " + reason));
    }
}
