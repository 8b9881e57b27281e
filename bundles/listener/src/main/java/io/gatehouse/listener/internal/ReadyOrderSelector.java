package io.gatehouse.listener.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.util.IO;
import org.eclipse.jetty.util.thread.Invocable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A selector that serves its ready sockets in the order the kernel reports them, as NGINX's event loop does.
 * <p>
 * Jetty's selector walks {@link Selector#selectedKeys()}, a hash set: its order is the keys' identity hashes, the same
 * on every turn of the loop. Under load, a turn finds tens of sockets ready, and the connections whose keys come last
 * wait for all the others on every turn: with 50 keep-alive clients (h2load, docs/benchmarks.md), the clients' request
 * rates had a standard deviation of 1.4-3.7% of their mean, against 0.1-0.2% through NGINX, and 0.2-0.4% with
 * this selector. Here each turn collects the ready keys with {@link Selector#select(Consumer)}, which hands them over in
 * the kernel's ready-list order, and runs each key's task at once, as Jetty's execution strategy does without reserved
 * threads: a non-blocking task (or one that may run either way) on this thread, a blocking one on the pool. Then, as
 * Jetty does after a turn, every served key applies the interest its end point now has.
 * <p>
 * Only keys whose attachment is an end point (Jetty's {@code Selectable}) are served this way. Any other ready key (a
 * connection to a backend still being opened) is left to Jetty: the turn ends with a {@link Selector#selectNow()},
 * which fills the selected-key set that Jetty's own loop then walks.
 */
final class ReadyOrderSelector extends ManagedSelector {

    private static final Logger LOG = LoggerFactory.getLogger(ReadyOrderSelector.class);

    private final Executor executor;
    /** The keys of one turn, in the kernel's order; used on the selector's thread only. */
    private final List<SelectionKey> ready = new ArrayList<>();
    private final Consumer<SelectionKey> collect = ready::add;

    ReadyOrderSelector(SelectorManager manager, int id) {
        super(manager, id);
        this.executor = manager.getExecutor();
    }

    @Override
    protected int nioSelect(Selector selector, boolean now) throws IOException {
        if (now) {
            selector.selectNow(collect);
        } else {
            selector.select(collect);
        }
        boolean others = false;
        try {
            for (SelectionKey key : ready) {
                if (key.attachment() instanceof Selectable selectable) {
                    serve(key, selectable);
                } else {
                    others = true;
                }
            }
            for (SelectionKey key : ready) {
                if (key.attachment() instanceof Selectable selectable) {
                    selectable.updateKey();
                }
            }
        } finally {
            ready.clear();
        }
        // Jetty's loop walks the selected-key set when this returns: empty, unless a key was left to it
        return others ? selector.selectNow() : 0;
    }

    private void serve(SelectionKey key, Selectable selectable) {
        Runnable task;
        try {
            if (!key.isValid()) {
                close(key, selectable, null);
                return;
            }
            task = selectable.onSelected();
        } catch (CancelledKeyException e) {
            close(key, selectable, e);
            return;
        } catch (Throwable e) {
            LOG.warn("Could not process {}", selectable, e);
            close(key, selectable, e);
            return;
        }
        if (task == null) {
            return;
        }
        try {
            switch (Invocable.getInvocationType(task)) {
                case BLOCKING -> executor.execute(task);
                case EITHER -> Invocable.invokeNonBlocking(task);
                default -> task.run();
            }
        } catch (RejectedExecutionException e) {
            // the pool is full or stopping: as Jetty's strategy does, the connection is closed rather than left waiting
            LOG.warn("Could not run {}: {}", task, e.toString());
            if (task instanceof Closeable closeable) {
                IO.close(closeable);
            }
        } catch (Throwable e) {
            LOG.warn("Task {} failed", task, e);
        }
    }

    private static void close(SelectionKey key, Selectable selectable, Throwable cause) {
        if (selectable instanceof EndPoint endPoint) {
            endPoint.close(cause);
        } else {
            IO.close(key.channel());
        }
    }
}
