package io.gatehouse.listener.internal;

import org.eclipse.jetty.io.Content;

/**
 * The client's request body as an upstream try reads it. A failure of the client's own body (the client went away, or
 * sent less than it announced) is remembered, so the backend is not blamed for it. Failures from the upstream side are
 * never passed on to the client's request: it stays readable, untouched, for a try on another backend when nothing
 * of it was read yet, and is failed, if it has to be, by the listener's own answer.
 */
final class ClientBody implements Content.Source {

    private final Content.Source request;
    /** Why reading the client's body failed (the client went away, or sent less than it announced), else null. */
    volatile Throwable clientFailure;
    /** A chunk already read from the request (to learn whether it has a body), returned by the first read. */
    private Content.Chunk first;
    /**
     * Who the next content is for. A later demand replaces an earlier one still pending: the request accepts one
     * demand at a time, and when an exchange ends early its lingering drain takes over from the upstream pump.
     */
    private Runnable demanded;
    private boolean demandPending;
    private final Runnable available = this::available;

    ClientBody(Content.Source request, Content.Chunk first) {
        this.request = request;
        this.first = first;
    }

    @Override
    public long getLength() {
        return request.getLength();
    }

    @Override
    public Content.Chunk read() {
        Content.Chunk chunk;
        synchronized (this) {
            chunk = first;
            first = null;
        }
        if (chunk == null) {
            chunk = request.read();
        }
        if (Content.Chunk.isFailure(chunk)) {
            clientFailure = chunk.getFailure();
        }
        return chunk;
    }

    /**
     * Releases the chunk read ahead to learn whether the request has a body, if no try read it: an exchange answered
     * without reaching a backend (no backend, a refused wait) must hand it back to the connection's buffer pool.
     */
    void releaseUnread() {
        Content.Chunk chunk;
        synchronized (this) {
            chunk = first;
            first = null;
        }
        if (chunk != null) {
            chunk.release();
        }
    }

    @Override
    public void demand(Runnable demandCallback) {
        boolean ready;
        boolean register = false;
        synchronized (this) {
            ready = first != null;
            if (!ready) {
                demanded = demandCallback;
                register = !demandPending;
                demandPending = true;
            }
        }
        if (ready) {
            demandCallback.run();
        } else if (register) {
            request.demand(available);
        }
    }

    private void available() {
        Runnable callback;
        synchronized (this) {
            demandPending = false;
            callback = demanded;
            demanded = null;
        }
        if (callback != null) {
            callback.run();
        }
    }

    @Override
    public void fail(Throwable failure) {
        // an upstream failure: the client's request is not failed with it (see the class comment)
    }

    @Override
    public void fail(Throwable failure, boolean last) {
        // as above
    }
}
