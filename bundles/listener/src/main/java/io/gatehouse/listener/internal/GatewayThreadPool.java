package io.gatehouse.listener.internal;

import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The listener's worker pool. It runs one kind of job on the calling thread instead of handing it to a worker: an
 * HTTP/1.1 connection resuming after a response that completed asynchronously (every proxied response does). Jetty
 * dispatches that resume to a worker, which then mostly finds no bytes yet and only registers read interest again:
 * a thread hand-off (and on a small, busy server a scheduler wake-up) per request for no work. Running it inline is
 * safe here because everything the listener does on a connection's thread is non-blocking (the handler declares it);
 * the only blocking work, static files, goes to a worker explicitly.
 */
final class GatewayThreadPool extends QueuedThreadPool {

    GatewayThreadPool(int maxThreads, int minThreads) {
        super(maxThreads, minThreads);
    }

    @Override
    public void execute(Runnable job) {
        if (job instanceof HttpConnection) {
            job.run();
            return;
        }
        super.execute(job);
    }
}
