package io.gatehouse.listener.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An HTTP/1.1 request head being written for a backend, as ISO-8859-1 bytes in an array that its connection reuses
 * from one exchange to the next: no builder, string and byte copy per request. Values are sanitised as Jetty's
 * generator sanitises them: a line break becomes a space (a client's value can never start a header of its own) and a
 * character beyond ISO-8859-1 becomes {@code '?'}.
 */
final class RequestHead {

    private static final byte[] SP = {' '};
    private static final byte[] QUESTION_MARK = {'?'};
    private static final byte[] VERSION_CRLF = " HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] COLON_SP = {':', ' '};
    private static final byte[] CRLF = {'\r', '\n'};

    private byte[] bytes;
    private int length;

    RequestHead(int capacity) {
        bytes = new byte[capacity];
    }

    /** Empties it for the next request. */
    RequestHead clear() {
        length = 0;
        return this;
    }

    /** The request line: {@code method path[?query] HTTP/1.1}, {@code /} for an empty path. */
    RequestHead requestLine(String method, String path, String query) {
        text(method).raw(SP).text(path == null || path.isEmpty() ? "/" : path);
        if (query != null) {
            raw(QUESTION_MARK).text(query);
        }
        return raw(VERSION_CRLF);
    }

    /** One header line. */
    RequestHead field(String name, String value) {
        return text(name).raw(COLON_SP).text(value).raw(CRLF);
    }

    /** The empty line that ends the head. */
    RequestHead end() {
        return raw(CRLF);
    }

    int length() {
        return length;
    }

    /** Copies the head into {@code buffer}, which is in fill mode and has room for it. */
    void copyTo(ByteBuffer buffer) {
        buffer.put(bytes, 0, length);
    }

    private RequestHead raw(byte[] constant) {
        room(constant.length);
        System.arraycopy(constant, 0, bytes, length, constant.length);
        length += constant.length;
        return this;
    }

    private RequestHead text(String s) {
        int n = s.length();
        room(n);
        byte[] b = bytes;
        int at = length;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            b[at++] = c == '\r' || c == '\n' ? (byte) ' ' : c > 0xFF ? (byte) '?' : (byte) c;
        }
        length = at;
        return this;
    }

    private void room(int n) {
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + n, 2 * bytes.length));
        }
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }
}
