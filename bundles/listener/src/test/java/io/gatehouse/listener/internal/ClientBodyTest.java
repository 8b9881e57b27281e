package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.Retainable;
import org.junit.jupiter.api.Test;

class ClientBodyTest {

    /** A pooled chunk that counts its releases, as the connection's buffer pool would see them. */
    private static final class Pooled extends Retainable.ReferenceCounter {
        final AtomicInteger releases = new AtomicInteger();

        @Override
        public boolean release() {
            releases.incrementAndGet();
            return super.release();
        }
    }

    private static Content.Chunk chunk(String text, boolean last, Pooled pooled) {
        return Content.Chunk.asChunk(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), last, pooled);
    }

    @Test
    void theReadAheadChunkGoesBackToThePoolWhenNoTryReadIt() {
        Pooled pooled = new Pooled();
        ClientBody body = new ClientBody(new Content.Source() {
            @Override
            public Content.Chunk read() {
                throw new AssertionError("not read");
            }

            @Override
            public void demand(Runnable demandCallback) {
                throw new AssertionError("not demanded");
            }

            @Override
            public void fail(Throwable failure) {
            }
        }, chunk("{\"a\":1}", false, pooled));
        body.releaseUnread();
        assertEquals(1, pooled.releases.get());
        body.releaseUnread();
        assertEquals(1, pooled.releases.get(), "released once");
    }

    @Test
    void aChunkATryReadIsItsToReleaseNotReleasedAgain() {
        Pooled pooled = new Pooled();
        Content.Chunk first = chunk("{\"a\":1}", false, pooled);
        Content.Chunk next = Content.Chunk.EOF;
        ClientBody body = new ClientBody(new Content.Source() {
            @Override
            public Content.Chunk read() {
                return next;
            }

            @Override
            public void demand(Runnable demandCallback) {
                demandCallback.run();
            }

            @Override
            public void fail(Throwable failure) {
            }
        }, first);
        assertSame(first, body.read());
        body.releaseUnread();
        assertEquals(0, pooled.releases.get(), "the reader owns it");
        assertSame(next, body.read());
    }
}
