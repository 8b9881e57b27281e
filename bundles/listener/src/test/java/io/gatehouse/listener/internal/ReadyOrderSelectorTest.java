package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The selector that serves ready sockets in the kernel's order, over real loopback connections: sockets that turn
 * readable while the selector is busy are served in the order they turned readable (Jetty's own selector serves them
 * in the order of its hash set), each task runs where its invocation type says, and each served key applies its end
 * point's interest afterwards.
 */
class ReadyOrderSelectorTest {

    private static final int SOCKETS = 32;

    private final QueuedThreadPool threads = new QueuedThreadPool(8, 2);
    private final ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler();
    private final List<SocketChannel> peers = new ArrayList<>();
    private final List<SocketChannel> channels = new ArrayList<>();
    private ServerSocketChannel server;
    private SelectorManager manager;
    private ManagedSelector selector;
    /** Set by a test once the selector runs: the pool then refuses every task, as a full or stopping pool does. */
    private volatile boolean rejecting;

    @BeforeEach
    void start() throws Exception {
        threads.start();
        scheduler.start();
        Executor executor = task -> {
            if (rejecting) {
                throw new RejectedExecutionException("the pool refuses " + task);
            }
            threads.execute(task);
        };
        manager = new SelectorManager(executor, scheduler, 1) {
            @Override
            protected ManagedSelector newSelector(int id) {
                return new ReadyOrderSelector(this, id);
            }

            @Override
            protected EndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector, SelectionKey key) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object attachment) {
                throw new UnsupportedOperationException();
            }
        };
        manager.start();
        selector = manager.getBean(ManagedSelector.class);
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        for (int i = 0; i < SOCKETS; i++) {
            peers.add(SocketChannel.open(server.getLocalAddress()));
            SocketChannel channel = server.accept();
            channel.configureBlocking(false);
            channels.add(channel);
        }
    }

    @AfterEach
    void stop() throws Exception {
        manager.stop();
        for (SocketChannel channel : channels) {
            channel.close();
        }
        for (SocketChannel peer : peers) {
            peer.close();
        }
        server.close();
        scheduler.stop();
        threads.stop();
    }

    /** Records when its socket was served; its task reads the byte, and its key is then taken out of the selector. */
    private static final class Recorder implements ManagedSelector.Selectable {

        final int index;
        final SocketChannel channel;
        final List<Integer> served;
        final CountDownLatch done;
        final CountDownLatch updated;
        volatile SelectionKey key;
        volatile int updates;
        volatile Thread selectorThread;
        volatile Thread taskThread;

        Recorder(int index, SocketChannel channel, List<Integer> served, CountDownLatch done, CountDownLatch updated) {
            this.index = index;
            this.channel = channel;
            this.served = served;
            this.done = done;
            this.updated = updated;
        }

        @Override
        public Runnable onSelected() {
            served.add(index);
            selectorThread = Thread.currentThread();
            Runnable read = () -> {
                try {
                    channel.read(ByteBuffer.allocate(16));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                taskThread = Thread.currentThread();
                done.countDown();
            };
            // even sockets' tasks do not block, odd ones' may
            return index % 2 == 0 ? Invocable.from(Invocable.InvocationType.NON_BLOCKING, read) : read;
        }

        @Override
        public void updateKey() {
            key.interestOps(0);
            if (updates++ == 0) {
                updated.countDown();
            }
        }

        @Override
        public void replaceKey(SelectionKey newKey) {
            key = newKey;
        }
    }

    @Test
    void servesSocketsInTheOrderTheyTurnedReadable() throws Exception {
        List<Integer> served = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(SOCKETS);
        CountDownLatch updated = new CountDownLatch(SOCKETS);
        List<Recorder> recorders = new ArrayList<>();
        for (int i = 0; i < SOCKETS; i++) {
            recorders.add(new Recorder(i, channels.get(i), served, done, updated));
        }
        register(recorders);

        // the selector is held busy while every socket turns readable, in reverse order of registration, so that its
        // next turn finds them all ready at once
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        selector.submit(nio -> {
            busy.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(5, TimeUnit.SECONDS), "the selector never ran the update");
        List<Integer> expected = new ArrayList<>();
        for (int i = SOCKETS - 1; i >= 0; i--) {
            peers.get(i).write(ByteBuffer.wrap(new byte[] {1}));
            expected.add(i);
        }
        release.countDown();

        assertTrue(done.await(5, TimeUnit.SECONDS), "served " + served);
        // the selector applies the interests once the turn's tasks have run
        assertTrue(updated.await(5, TimeUnit.SECONDS), "some sockets never applied their interest");
        assertEquals(expected, served);
        for (Recorder recorder : recorders) {
            assertEquals(0, recorder.key.interestOps(), "socket " + recorder.index + " kept its interest");
            // a non-blocking task runs on the selector's thread, a blocking one on the pool
            assertEquals(recorder.index % 2 == 0, recorder.taskThread == recorder.selectorThread,
                    "socket " + recorder.index + "'s task ran on " + recorder.taskThread);
        }
    }

    /** A selectable whose selection does what the test gives it; it takes its key out of the selector afterwards. */
    private static final class Scripted implements ManagedSelector.Selectable {

        final Supplier<Runnable> onSelected;
        volatile SelectionKey key;

        Scripted(Supplier<Runnable> onSelected) {
            this.onSelected = onSelected;
        }

        @Override
        public Runnable onSelected() {
            return onSelected.get();
        }

        @Override
        public void updateKey() {
            // as Jetty's end points do, a key cancelled meanwhile is not an error of the loop
            try {
                key.interestOps(0);
            } catch (CancelledKeyException e) {
                // the connection was closed during the turn
            }
        }

        @Override
        public void replaceKey(SelectionKey newKey) {
            key = newKey;
        }
    }

    /** A blocking task that records whether its connection was closed instead of run. */
    private static final class BlockingTask implements Runnable, Closeable {

        final AtomicBoolean ran = new AtomicBoolean();
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public void run() {
            ran.set(true);
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    /** Registers the i-th selectable for reads on the i-th accepted socket, on the selector's thread. */
    private void register(List<? extends ManagedSelector.Selectable> selectables) throws Exception {
        CountDownLatch registered = new CountDownLatch(1);
        selector.submit(nio -> {
            try {
                for (int i = 0; i < selectables.size(); i++) {
                    ManagedSelector.Selectable selectable = selectables.get(i);
                    selectable.replaceKey(channels.get(i).register(nio, SelectionKey.OP_READ, selectable));
                }
                registered.countDown();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertTrue(registered.await(5, TimeUnit.SECONDS), "the sockets were never registered");
    }

    @Test
    void aFailingSocketIsClosedAndTheLoopGoesOnServingTheOthers() throws Exception {
        BlockingTask refused = new BlockingTask();
        CountDownLatch laterServed = new CountDownLatch(1);
        List<Scripted> selectables = List.of(
                // 0: its selection throws: its connection is closed
                new Scripted(() -> {
                    throw new IllegalStateException("selection failed");
                }),
                // 1: a blocking task the pool refuses: its connection is closed, not left waiting
                new Scripted(() -> refused),
                // 2: a non-blocking task that throws: logged, and the turn goes on
                new Scripted(() -> Invocable.from(Invocable.InvocationType.NON_BLOCKING, () -> {
                    throw new IllegalStateException("task failed");
                })),
                // 3: served in a later turn, once the failures above have happened
                new Scripted(() -> Invocable.from(Invocable.InvocationType.NON_BLOCKING, laterServed::countDown)));
        register(selectables);
        rejecting = true;
        for (int i = 0; i < 3; i++) {
            peers.get(i).write(ByteBuffer.wrap(new byte[] {1}));
        }

        assertTrue(refused.closed.await(5, TimeUnit.SECONDS), "the refused task's connection was not closed");
        assertFalse(refused.ran.get(), "the refused task ran");
        for (int i = 0; i < 100 && channels.get(0).isOpen(); i++) {
            Thread.sleep(50);
        }
        assertFalse(channels.get(0).isOpen(), "the socket whose selection failed was not closed");

        peers.get(3).write(ByteBuffer.wrap(new byte[] {1}));
        assertTrue(laterServed.await(5, TimeUnit.SECONDS), "the selector stopped serving after the failures");
    }
}
