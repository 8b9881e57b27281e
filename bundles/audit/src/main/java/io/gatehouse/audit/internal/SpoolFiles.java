package io.gatehouse.audit.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/** File-level helpers of the spool: listing segments, scanning them on reopen, fsync of the folder. */
final class SpoolFiles {

    private static final Pattern SEGMENT = Pattern.compile("audit-(\\d{16})\\.spool");

    /** What a scan of a segment found: records intact up to {@code validEnd} of {@code size} bytes. */
    record Scan(long records, long validEnd, long size) {
    }

    private SpoolFiles() {
    }

    static List<Long> segments(Path dir) throws IOException {
        List<Long> result = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                Matcher m = SEGMENT.matcher(p.getFileName().toString());
                if (m.matches()) {
                    result.add(Long.parseLong(m.group(1)));
                }
            });
        }
        result.sort(null);
        return result;
    }

    /** Walks the records from {@code from}, stopping at the first torn or damaged one. */
    static Scan scan(Path segment, long from) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            long size = channel.size();
            long pos = from;
            long records = 0;
            ByteBuffer header = ByteBuffer.allocate(Spool.HEADER);
            while (pos + Spool.HEADER <= size) {
                header.clear();
                readFully(channel, header, pos);
                header.flip();
                byte magic = header.get();
                int length = header.getInt();
                int crc = header.getInt();
                if (magic != Spool.MAGIC || length < 0 || pos + Spool.HEADER + length > size) {
                    break;
                }
                ByteBuffer payload = ByteBuffer.allocate(length);
                readFully(channel, payload, pos + Spool.HEADER);
                payload.flip();
                CRC32C check = new CRC32C();
                check.update(payload);
                if ((int) check.getValue() != crc) {
                    break;
                }
                pos += Spool.HEADER + length;
                records++;
            }
            return new Scan(records, pos, size);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, at + buffer.position()) < 0) {
                throw new IOException("unexpected end of spool segment");
            }
        }
    }

    /** Copies the damaged tail beside the segment (nothing is destroyed silently), then cuts it off. */
    static void keepTornTail(Path segment, long validEnd) throws IOException {
        Path torn = segment.resolveSibling(segment.getFileName() + "." + validEnd + ".torn");
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileChannel copy = FileChannel.open(torn, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.transferTo(validEnd, channel.size() - validEnd, copy);
            copy.force(true);
            channel.truncate(validEnd);
            channel.force(true);
        }
        syncDirectory(segment.getParent());
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems refuse to fsync a directory; the data files themselves are fsync'd
            if (!"Is a directory".equals(e.getMessage()) && !(e instanceof java.nio.file.AccessDeniedException)) {
                throw e;
            }
        }
    }
}
