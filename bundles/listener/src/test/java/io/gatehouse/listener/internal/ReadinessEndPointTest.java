package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The end point that skips reads it knows would find nothing, over a real loopback connection and a real selector
 * driven the way Jetty's selector drives it: which reads it skips, that whatever arrives meanwhile is read once the
 * selector reports it, and when the socket stays registered for reading.
 */
class ReadinessEndPointTest {

    private final ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler();
    private final AtomicInteger woken = new AtomicInteger();
    private final Callback wake = Callback.from(woken::incrementAndGet);
    private ServerSocketChannel server;
    private SocketChannel peer;
    private SocketChannel channel;
    private Selector selector;
    private SelectionKey key;
    private ReadinessEndPoint endPoint;

    @BeforeEach
    void connect() throws Exception {
        scheduler.start();
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        peer = SocketChannel.open(server.getLocalAddress());
        channel = server.accept();
        channel.configureBlocking(false);
        selector = Selector.open();
        key = channel.register(selector, 0);
        endPoint = new ReadinessEndPoint(channel, null, key, scheduler);
    }

    @AfterEach
    void close() throws Exception {
        selector.close();
        channel.close();
        peer.close();
        server.close();
        scheduler.stop();
    }

    private void send(String text) throws IOException {
        peer.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
    }

    /** One turn of the selector's loop: apply the interest, select, hand the ready key over, run its task, apply. */
    private void selectReadable() throws IOException {
        endPoint.updateKey();
        assertEquals(1, selector.select(5_000), "the socket never became readable");
        selector.selectedKeys().clear();
        Runnable task = endPoint.onSelected();
        assertNotNull(task);
        task.run();
        endPoint.updateKey();
    }

    /** The connection waits for bytes, and the selector reports them. */
    private void awaitReadable() throws IOException {
        int before = woken.get();
        endPoint.fillInterested(wake);
        selectReadable();
        assertEquals(before + 1, woken.get(), "the waiting connection was not woken");
    }

    private String fill(ByteBuffer buffer) throws IOException {
        int filled = endPoint.fill(buffer);
        String text = filled > 0 ? BufferUtil.toString(buffer, StandardCharsets.US_ASCII) : "";
        BufferUtil.clear(buffer);
        return filled + ":" + text;
    }

    @Test
    void afterAReadThatEmptiedTheSocketTheNextReadIsSkippedUntilTheSelectorReportsMore() throws Exception {
        ByteBuffer buffer = BufferUtil.allocate(64);
        send("first");
        awaitReadable();
        assertEquals("5:first", fill(buffer));
        send("second");
        // the bytes are there, but the end point does not look before the selector says so
        assertEquals("0:", fill(buffer));
        awaitReadable();
        assertEquals("6:second", fill(buffer));
    }

    @Test
    void aReadThatFilledTheBufferReadsAgain() throws Exception {
        ByteBuffer buffer = BufferUtil.allocate(4);
        send("abcdef");
        awaitReadable();
        assertEquals("4:abcd", fill(buffer));
        assertEquals("2:ef", fill(buffer));
        assertEquals("0:", fill(buffer));
    }

    @Test
    void aReadIntoAFullBufferSaysNothingAboutTheSocket() throws Exception {
        ByteBuffer full = BufferUtil.toBuffer("full");
        send("queued");
        awaitReadable();
        assertEquals(0, endPoint.fill(full));
        assertEquals("6:queued", fill(BufferUtil.allocate(64)));
    }

    @Test
    void aFreshConnectionReadsAndAnEmptyReadWaitsForTheSelectorToo() throws Exception {
        ByteBuffer buffer = BufferUtil.allocate(64);
        send("early");
        // nothing has been read yet: the first read looks, whatever the selector said
        assertEquals("5:early", fill(buffer));
        assertEquals("0:", fill(buffer));
        send("late");
        assertEquals("0:", fill(buffer));
        awaitReadable();
        assertEquals("4:late", fill(buffer));
    }

    @Test
    void thePeerClosingIsReadOnceReported() throws Exception {
        ByteBuffer buffer = BufferUtil.allocate(64);
        send("bye");
        awaitReadable();
        assertEquals("3:bye", fill(buffer));
        peer.close();
        awaitReadable();
        assertEquals("-1:", fill(buffer));
        assertEquals("-1:", fill(buffer));
    }

    @Test
    void aSocketStaysRegisteredForReadingWhileItsConnectionHandlesWhatItWaitedFor() throws Exception {
        ByteBuffer buffer = BufferUtil.allocate(64);
        send("request");
        awaitReadable();
        assertEquals("7:request", fill(buffer));
        // the connection is busy with the request, not waiting: the socket is still registered
        assertEquals(SelectionKey.OP_READ, key.interestOps());
        // it waits again: nothing to change
        endPoint.fillInterested(wake);
        assertEquals(SelectionKey.OP_READ, key.interestOps());
        send("next");
        int before = woken.get();
        selectReadable();
        assertEquals(before + 1, woken.get());
        assertEquals("4:next", fill(buffer));
    }

    @Test
    void bytesNobodyWaitsForWakeTheSelectorOnceAndThenTheSocketIsTakenOut() throws Exception {
        ByteBuffer buffer = BufferUtil.allocate(64);
        send("request");
        awaitReadable();
        assertEquals("7:request", fill(buffer));
        // a pipelined request comes while the connection is still busy with the first
        send("pipelined");
        int before = woken.get();
        selectReadable();
        assertEquals(before, woken.get(), "nobody was waiting, nobody is woken");
        assertEquals(0, key.interestOps(), "the socket was left registered with unread bytes: a busy loop");
        assertEquals(0, selector.selectNow());
        // when the connection waits again, the bytes are reported and read
        awaitReadable();
        assertEquals("9:pipelined", fill(buffer));
    }
}
