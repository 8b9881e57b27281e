package io.gatehouse.listener.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A socket end point that skips the reads it knows would find nothing. A read that leaves room in the buffer has
 * emptied the socket's receive queue (a TCP read takes all that is queued, up to the room given). Until the selector
 * reports the socket readable again, the next {@link #fill} returns 0 without a system call. Nothing is lost: a
 * caller that gets 0 registers its fill interest, and the selector's readiness is level-triggered, so a byte that
 * came in meanwhile is reported at once.
 * <p>
 * Jetty's HTTP/1.1 connection reads the client once more after each response, and mostly finds nothing: on a
 * keep-alive connection that is a system call and an {@code EAGAIN} per request, which this end point saves.
 * <p>
 * It also keeps a socket registered for reading while its connection handles what it read, when the connection was
 * waiting for those bytes: it will wait again, and NGINX's edge-triggered loop does not re-register either. A socket
 * that turns readable while nobody waits is taken out of the selector, as Jetty does, so unread bytes (a pipelined
 * request, a body not yet asked for) cost one wake-up, never a busy loop.
 */
final class ReadinessEndPoint extends SocketChannelEndPoint {

    /** The channel's key; read and replaced on the selector's thread only, as the superclass does. */
    private SelectionKey key;
    /** The last read emptied the receive queue and the selector has not reported the socket readable since. */
    private volatile boolean drained;

    ReadinessEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
        super(channel, selector, key, scheduler);
        this.key = key;
    }

    @Override
    public Runnable onSelected() {
        boolean awaited = false;
        if ((key.readyOps() & SelectionKey.OP_READ) != 0) {
            drained = false;
            awaited = getFillInterest().isInterested();
        }
        Runnable task = super.onSelected();
        if (awaited) {
            // the connection reads again once it has handled these bytes: the socket stays registered for reading,
            // where the selector would take it out now and put it back then (two epoll_ctl calls per request). Bytes
            // that come while nobody waits for them are reported once, and then the socket is taken out (below).
            needsFillInterest();
        }
        return task;
    }

    @Override
    public void replaceKey(SelectionKey newKey) {
        key = newKey;
        super.replaceKey(newKey);
    }

    @Override
    public int fill(ByteBuffer buffer) throws IOException {
        if (drained && !isInputShutdown()) {
            return 0;
        }
        int filled = super.fill(buffer);
        if (filled > 0) {
            // the buffer is in flush mode again: room left after its content means the read took all there was
            drained = buffer.limit() < buffer.capacity();
        } else if (filled == 0) {
            // an empty read means nothing is queued, unless the buffer had no room to read into
            drained = buffer.remaining() < buffer.capacity();
        }
        return filled;
    }
}
