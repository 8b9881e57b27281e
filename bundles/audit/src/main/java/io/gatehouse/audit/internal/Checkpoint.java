package io.gatehouse.audit.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * How far the spool has been stored in the database: {@code segment offset}, replaced atomically (write a temporary
 * file, fsync it, rename it over the old one, fsync the folder), so it is always the old or the new value.
 */
final class Checkpoint {

    private final Path file;
    private final Path temporary;

    Checkpoint(Path dir) {
        this.file = dir.resolve("checkpoint");
        this.temporary = dir.resolve("checkpoint.tmp");
    }

    Spool.Position read() throws IOException {
        if (!Files.exists(file)) {
            return new Spool.Position(1, 0);
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        String[] parts = text.split(" ");
        try {
            if (parts.length != 2) {
                throw new NumberFormatException(text);
            }
            return new Spool.Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
            throw new IOException("spool checkpoint " + file + " is damaged: '" + text + "'", e);
        }
    }

    void write(Spool.Position position) throws IOException {
        byte[] bytes = (position.segment() + " " + position.offset() + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(bytes));
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        SpoolFiles.syncDirectory(file.getParent());
    }
}
