package io.gatehouse.audit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable local spool: an append-only log of events in numbered segment files, plus a checkpoint naming how
 * far the log has been stored in the database.
 * <p>
 * {@link #append} returns only once the record is on disk (fsync). Appenders share fsyncs (group commit): the first
 * waiting appender writes every record queued so far in one write and one fsync, and everybody whose record that
 * covered returns. Each record is {@code [magic][length][CRC32C][payload]}, so a record torn by a crash is detected
 * on reopen and cut off. One drainer reads from the checkpoint ({@link #read}) and moves it on ({@link #commit});
 * segments wholly before the checkpoint are deleted.
 */
public final class Spool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    static final byte MAGIC = (byte) 0xA7;
    static final int HEADER = 9;
    private static final int MAX_RECORD = 1 << 20;
    private static final int READ_CHUNK = 1 << 20;

    /** A place in the log. */
    public record Position(long segment, long offset) {
    }

    /** Events read from the checkpoint on, and where they end. */
    public record Batch(List<SpooledEvent> events, Position end, long bytes) {
    }

    /** Thrown by {@link #append} when the spool has reached its configured size. */
    public static final class FullException extends IllegalStateException {
        FullException(String message) {
            super(message);
        }
    }

    private final Path dir;
    private volatile long maxBytes;
    private final long segmentBytes;
    private final Checkpoint checkpoint;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition written = lock.newCondition();
    private List<byte[]> pending = new ArrayList<>();
    private long pendingBytes;
    private long enqueued;
    private long durable;
    private boolean leader;
    private boolean closed;
    private final Deque<long[]> failedRanges = new ArrayDeque<>();
    private IOException lastWriteFailure;

    // written by the leader only, published for the reader
    private FileChannel out;
    private volatile Position writeEnd;
    private volatile long storedBytes;
    private volatile long storedEvents;

    // the drainer's side
    private volatile Position committed;
    private FileChannel in;
    private long inSegment = -1;

    public Spool(Path dir, long maxBytes, long segmentBytes) throws IOException {
        if (maxBytes < 1 << 16) {
            throw new IllegalArgumentException("maximum spool size must be at least 65536 bytes, was " + maxBytes);
        }
        this.dir = Files.createDirectories(dir);
        this.maxBytes = maxBytes;
        this.segmentBytes = Math.max(1 << 16, segmentBytes);
        this.checkpoint = new Checkpoint(dir);
        recover();
    }

    static Path segmentFile(Path dir, long segment) {
        return dir.resolve(String.format("audit-%016d.spool", segment));
    }

    private void recover() throws IOException {
        Position start = checkpoint.read();
        List<Long> segments = SpoolFiles.segments(dir);
        for (long s : segments) {
            if (s < start.segment()) {
                Files.delete(segmentFile(dir, s));
            }
        }
        segments.removeIf(s -> s < start.segment());
        if (segments.isEmpty() || segments.get(0) != start.segment()) {
            if (start.offset() != 0 || !segments.isEmpty() && segments.get(0) < start.segment()) {
                throw new IOException("spool " + dir + " is inconsistent: checkpoint " + start + " but segments " + segments);
            }
            segments.add(0, start.segment());
            if (!Files.exists(segmentFile(dir, start.segment()))) {
                Files.createFile(segmentFile(dir, start.segment()));
                SpoolFiles.syncDirectory(dir);
            }
        }
        long bytes = 0;
        long events = 0;
        long last = segments.get(segments.size() - 1);
        for (long s : segments) {
            long from = s == start.segment() ? start.offset() : 0;
            SpoolFiles.Scan scan = SpoolFiles.scan(segmentFile(dir, s), from);
            if (scan.validEnd() < scan.size()) {
                SpoolFiles.keepTornTail(segmentFile(dir, s), scan.validEnd());
                LOG.warn("Audit spool segment {} ended in a torn or damaged record at offset {} ({} bytes cut off, kept "
                        + "beside it as .torn); the events before it are intact", segmentFile(dir, s), scan.validEnd(),
                        scan.size() - scan.validEnd());
            }
            bytes += scan.validEnd() - from;
            events += scan.records();
            if (s == last) {
                writeEnd = new Position(s, scan.validEnd());
            }
        }
        for (long s = start.segment(); s < last; s++) {
            if (!segments.contains(s)) {
                throw new IOException("spool segment " + segmentFile(dir, s) + " is missing");
            }
        }
        out = FileChannel.open(segmentFile(dir, last), StandardOpenOption.WRITE);
        committed = start;
        storedBytes = bytes;
        storedEvents = events;
    }

    /**
     * Appends one event and returns once it is on disk.
     *
     * @throws FullException when the spool holds its maximum size
     * @throws UncheckedIOException when the disk refused the write
     */
    public void append(SpooledEvent event) {
        byte[] record = frame(event.encode());
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the audit spool " + dir + " is closed");
            }
            if (storedBytes + pendingBytes + record.length > maxBytes) {
                throw new FullException("the audit spool " + dir + " is full (" + storedBytes + " bytes, "
                        + storedEvents + " events, at most " + maxBytes + " bytes): the database has not taken events "
                        + "for a while; the event was NOT recorded");
            }
            pending.add(record);
            pendingBytes += record.length;
            long ticket = ++enqueued;
            while (durable < ticket) {
                if (leader) {
                    written.awaitUninterruptibly();
                    continue;
                }
                leader = true;
                List<byte[]> batch = pending;
                long batchBytes = pendingBytes;
                long last = enqueued;
                pending = new ArrayList<>();
                pendingBytes = 0;
                IOException failure = null;
                lock.unlock();
                try {
                    write(batch, batchBytes);
                } catch (IOException e) {
                    failure = e;
                } finally {
                    lock.lock();
                }
                leader = false;
                if (failure == null) {
                    storedBytes += batchBytes;
                    storedEvents += batch.size();
                } else {
                    lastWriteFailure = failure;
                    failedRanges.addLast(new long[] {last - batch.size() + 1, last});
                    while (failedRanges.size() > 64) {
                        failedRanges.removeFirst();
                    }
                }
                durable = last;
                written.signalAll();
            }
            for (long[] range : failedRanges) {
                if (ticket >= range[0] && ticket <= range[1]) {
                    throw new UncheckedIOException("the audit spool " + dir + " could not write the event", lastWriteFailure);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private static byte[] frame(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length);
        b.put(MAGIC).putInt(payload.length).putInt((int) crc.getValue()).put(payload);
        return b.array();
    }

    /** Leader only: one write and one fsync for the whole group, rolling to a new segment when this one is full. */
    private void write(List<byte[]> batch, long batchBytes) throws IOException {
        Position end = writeEnd;
        if (end.offset() > 0 && end.offset() + batchBytes > segmentBytes) {
            long next = end.segment() + 1;
            FileChannel fresh = FileChannel.open(segmentFile(dir, next), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            SpoolFiles.syncDirectory(dir);
            out.close();
            out = fresh;
            end = new Position(next, 0);
            writeEnd = end;
        }
        ByteBuffer[] buffers = new ByteBuffer[batch.size()];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = ByteBuffer.wrap(batch.get(i));
        }
        try {
            out.position(end.offset());
            long left = batchBytes;
            while (left > 0) {
                left -= out.write(buffers);
            }
            out.force(false);
        } catch (IOException e) {
            try {
                out.truncate(end.offset());
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        writeEnd = new Position(end.segment(), end.offset() + batchBytes);
    }

    /** Drainer: up to {@code max} durable events from the checkpoint on. */
    public Batch read(int max) throws IOException {
        Position pos = committed;
        List<SpooledEvent> events = new ArrayList<>();
        long bytes = 0;
        while (events.size() < max) {
            Position w = writeEnd;
            long end = pos.segment() < w.segment() ? Files.size(segmentFile(dir, pos.segment())) : w.offset();
            if (pos.offset() >= end) {
                if (pos.segment() < w.segment()) {
                    pos = new Position(pos.segment() + 1, 0);
                    continue;
                }
                break;
            }
            FileChannel channel = reader(pos.segment());
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(READ_CHUNK, end - pos.offset()));
            long at = pos.offset();
            while (chunk.hasRemaining()) {
                if (channel.read(chunk, at + chunk.position()) < 0) {
                    break;
                }
            }
            chunk.flip();
            long offset = pos.offset();
            while (events.size() < max && chunk.remaining() >= HEADER) {
                int start = chunk.position();
                byte magic = chunk.get();
                int length = chunk.getInt();
                int crc = chunk.getInt();
                if (magic != MAGIC || length < 0 || length > MAX_RECORD) {
                    throw new IOException("spool segment " + segmentFile(dir, pos.segment()) + " is damaged at offset " + offset);
                }
                if (chunk.remaining() < length) {
                    if (length + HEADER > READ_CHUNK) {
                        throw new IOException("spool record at " + offset + " is larger than the read buffer");
                    }
                    chunk.position(start);
                    break;
                }
                ByteBuffer payload = chunk.slice(chunk.position(), length);
                CRC32C check = new CRC32C();
                check.update(payload.duplicate());
                if ((int) check.getValue() != crc) {
                    throw new IOException("spool record at " + segmentFile(dir, pos.segment()) + ":" + offset + " fails its checksum");
                }
                events.add(SpooledEvent.decode(payload));
                chunk.position(chunk.position() + length);
                offset += HEADER + length;
                bytes += HEADER + length;
            }
            if (offset == pos.offset()) {
                break;
            }
            pos = new Position(pos.segment(), offset);
        }
        return new Batch(events, pos, bytes);
    }

    private FileChannel reader(long segment) throws IOException {
        if (inSegment != segment || in == null) {
            if (in != null) {
                in.close();
            }
            in = FileChannel.open(segmentFile(dir, segment), StandardOpenOption.READ);
            inSegment = segment;
        }
        return in;
    }

    /** Drainer: the batch is stored in the database; move the checkpoint past it, durably. */
    public void commit(Batch batch) throws IOException {
        if (batch.events().isEmpty()) {
            return;
        }
        checkpoint.write(batch.end());
        Position before = committed;
        committed = batch.end();
        lock.lock();
        try {
            storedBytes -= batch.bytes();
            storedEvents -= batch.events().size();
        } finally {
            lock.unlock();
        }
        for (long s = before.segment(); s < batch.end().segment(); s++) {
            if (s == inSegment && in != null) {
                in.close();
                in = null;
            }
            Files.deleteIfExists(segmentFile(dir, s));
        }
    }

    public long bytes() {
        return storedBytes;
    }

    public long events() {
        return storedEvents;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** A new maximum; events already spooled beyond it stay, new ones are refused until it is drained below. */
    public void maxBytes(long max) {
        if (max < 1 << 16) {
            throw new IllegalArgumentException("maximum spool size must be at least 65536 bytes, was " + max);
        }
        this.maxBytes = max;
    }

    public Path directory() {
        return dir;
    }

    public Position checkpoint() {
        return committed;
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            closed = true;
            while (leader) {
                written.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        try {
            out.close();
        } catch (ClosedChannelException ignored) {
            // already closed
        }
        if (in != null) {
            in.close();
        }
    }
}
