package io.gatehouse.listener.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpTokens;

/**
 * Parses a backend's HTTP/1.1 response out of a heap buffer: the head once it has arrived whole, then the body framed
 * by {@code Transfer-Encoding: chunked}, {@code Content-Length} or the connection's close (RFC 9112 6.3). Interim (1xx)
 * answers are skipped. It is strict where a lenient reading could let the connection's next response start in the
 * wrong place: a malformed status line, header name or value, obsolete line folding, more than one
 * {@code Content-Length}, both {@code Content-Length} and {@code Transfer-Encoding}, {@code chunked} not last, a
 * malformed chunk, or a head longer than the limit are each a {@link Handler#onBad bad response}, named.
 *
 * <p>Header names are resolved to Jetty's {@link HttpHeader} with a case-insensitive table of its names, and values are
 * taken as ISO-8859-1, one bulk copy each: no per-byte trie walk and no per-character string building.
 */
final class UpstreamResponseParser {

    /** What the parser finds, in order: a head, pieces of body, the end; or a bad response instead. */
    interface Handler {

        /** The final answer's status and header fields, in order (names of known headers in their usual case). */
        void onHead(int status, List<HttpField> fields);

        /**
         * A piece of the body: a slice of the parsed buffer, valid until the parser runs again.
         *
         * @return true to stop parsing here; the next {@link #parse} call goes on after the piece
         */
        boolean onContent(ByteBuffer piece);

        /** The response ended; nothing of the buffer after it was parsed. */
        void onComplete();

        /** The response is malformed: the connection cannot be read any further. */
        void onBad(String reason);
    }

    /** The longest chunk-size line accepted (digits and extensions). */
    static final int MAX_CHUNK_LINE = 4096;
    private static final HttpHeader[] NAMES = new HttpHeader[512];

    static {
        for (HttpHeader header : HttpHeader.values()) {
            String name = header.asString();
            if (name.startsWith(":")) {
                continue; // HTTP/2 pseudo-headers are never header lines
            }
            byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
            int slot = hash(bytes, 0, bytes.length) & (NAMES.length - 1);
            while (NAMES[slot] != null) {
                slot = (slot + 1) & (NAMES.length - 1);
            }
            NAMES[slot] = header;
        }
    }

    private enum State { HEAD, CONTENT, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, EOF_CONTENT, END }

    private final int maxHeadBytes;
    private State state = State.END;
    private boolean headRequest;
    private boolean eof;
    private boolean persistent;
    private int status;
    /** Bytes of an incomplete head (from the buffer's position) already searched for its end. */
    private int scanned;
    /** What is left of the body (fixed length) or of the current chunk. */
    private long remaining;
    private int trailerBytes;

    UpstreamResponseParser(int maxHeadBytes) {
        this.maxHeadBytes = maxHeadBytes;
    }

    /** Starts on a new response; {@code headRequest}: it answers a HEAD request, so it has no body. */
    void reset(boolean headRequest) {
        this.headRequest = headRequest;
        state = State.HEAD;
        eof = false;
        persistent = false;
        status = 0;
        scanned = 0;
        remaining = 0;
        trailerBytes = 0;
    }

    /** The connection ended: a body delimited by the close is complete at the next {@link #parse}. */
    void atEOF() {
        eof = true;
    }

    /** Whether the connection may carry another exchange once this response is complete. */
    boolean persistent() {
        return persistent;
    }

    int status() {
        return status;
    }

    /**
     * Parses from {@code in}'s position, moving it past what was parsed.
     *
     * @return true when parsing stopped on a piece of body ({@link Handler#onContent} asked so), at the response's end
     *     or on a bad response; false when it needs more bytes
     */
    boolean parse(ByteBuffer in, Handler handler) {
        byte[] a = in.array();
        int base = in.arrayOffset();
        while (true) {
            int at = base + in.position();
            int end = base + in.limit();
            switch (state) {
                case HEAD -> {
                    int headEnd = findHeadEnd(a, at, end);
                    if (headEnd < 0 ? end - at >= maxHeadBytes : headEnd - at > maxHeadBytes) {
                        // refused however its bytes arrived; and a buffer of the limit's size never fills waiting
                        return bad(handler, "the response head is longer than " + maxHeadBytes + " bytes");
                    }
                    if (headEnd < 0) {
                        return false;
                    }
                    scanned = 0;
                    String problem = parseHead(a, at, headEnd, handler);
                    in.position(headEnd - base);
                    if (problem != null) {
                        return bad(handler, problem);
                    }
                    if (state == State.END) {
                        handler.onComplete();
                        return true;
                    }
                }
                case CONTENT, CHUNK_DATA -> {
                    if (remaining == 0) {
                        if (state == State.CONTENT) {
                            return complete(handler);
                        }
                        state = State.CHUNK_END;
                        continue;
                    }
                    if (at == end) {
                        return false;
                    }
                    int length = (int) Math.min(remaining, end - at);
                    remaining -= length;
                    if (deliver(in, at - base, length, handler)) {
                        return true;
                    }
                }
                case EOF_CONTENT -> {
                    if (at == end) {
                        return eof && complete(handler);
                    }
                    if (deliver(in, at - base, end - at, handler)) {
                        return true;
                    }
                }
                case CHUNK_SIZE -> {
                    int lf = indexOf(a, at, end, (byte) '\n');
                    if (lf < 0) {
                        return end - at > MAX_CHUNK_LINE ? bad(handler, "a chunk-size line is longer than "
                                + MAX_CHUNK_LINE + " bytes") : false;
                    }
                    long size = chunkSize(a, at, lf);
                    if (size < 0) {
                        return bad(handler, "malformed chunk-size line '" + shown(a, at, Math.max(at, lineEnd(a, at, lf)))
                                + "'");
                    }
                    in.position(lf + 1 - base);
                    remaining = size;
                    state = size == 0 ? State.TRAILERS : State.CHUNK_DATA;
                }
                case CHUNK_END -> {
                    if (at == end || a[at] == '\r' && at + 1 == end) {
                        return false;
                    }
                    int after = a[at] == '\n' ? at + 1 : a[at] == '\r' && a[at + 1] == '\n' ? at + 2 : -1;
                    if (after < 0) {
                        return bad(handler, "a chunk's data is not followed by CRLF");
                    }
                    in.position(after - base);
                    state = State.CHUNK_SIZE;
                }
                case TRAILERS -> {
                    int lf = indexOf(a, at, end, (byte) '\n');
                    if (lf < 0) {
                        return trailerBytes + end - at > maxHeadBytes
                                ? bad(handler, "the trailer section is longer than " + maxHeadBytes + " bytes") : false;
                    }
                    trailerBytes += lf + 1 - at;
                    if (trailerBytes > maxHeadBytes) {
                        return bad(handler, "the trailer section is longer than " + maxHeadBytes + " bytes");
                    }
                    in.position(lf + 1 - base);
                    boolean empty = lf == at || lf == at + 1 && a[at] == '\r';
                    if (empty) {
                        return complete(handler); // trailer fields are not relayed
                    }
                }
                case END -> {
                    return true;
                }
                default -> throw new IllegalStateException(state.toString());
            }
        }
    }

    private boolean deliver(ByteBuffer in, int position, int length, Handler handler) {
        ByteBuffer piece = in.slice(position, length);
        in.position(position + length);
        return handler.onContent(piece);
    }

    private boolean complete(Handler handler) {
        state = State.END;
        handler.onComplete();
        return true;
    }

    private boolean bad(Handler handler, String reason) {
        state = State.END;
        persistent = false;
        handler.onBad(reason);
        return true;
    }

    /** Where the head that starts at {@code from} ends (after its empty line), or -1 while it is incomplete. */
    private int findHeadEnd(byte[] a, int from, int end) {
        for (int i = from + scanned; i < end; i++) {
            if (a[i] != '\n') {
                continue;
            }
            if (i + 1 == end || a[i + 1] == '\r' && i + 2 == end) {
                scanned = i - from; // this line feed is looked at again once more bytes are here
                return -1;
            }
            if (a[i + 1] == '\n') {
                return i + 2;
            }
            if (a[i + 1] == '\r' && a[i + 2] == '\n') {
                return i + 3;
            }
        }
        scanned = end - from;
        return -1;
    }

    /**
     * Parses a whole head in {@code [from, to)}: an interim answer is skipped (the state stays {@link State#HEAD}), a
     * final one goes to the handler and sets how its body is framed.
     *
     * @return null, or what is wrong with it
     */
    private String parseHead(byte[] a, int from, int to, Handler handler) {
        int lf = indexOf(a, from, to, (byte) '\n');
        int lineEnd = lineEnd(a, from, lf);
        if (lineEnd < 0) {
            return "a bare CR in the status line";
        }
        int code = statusCode(a, from, lineEnd);
        if (code < 0) {
            return "malformed status line '" + shown(a, from, lineEnd) + "'";
        }
        boolean http11 = a[from + 7] == '1';
        List<HttpField> fields = new ArrayList<>(16);
        long contentLength = -1;
        String transferEncoding = null;
        boolean close = !http11;
        for (int line = lf + 1; ; line = lf + 1) {
            lf = indexOf(a, line, to, (byte) '\n');
            lineEnd = lineEnd(a, line, lf);
            if (lineEnd < 0) {
                return "a bare CR in a header line";
            }
            if (lineEnd == line) {
                break; // the empty line: the end of the head
            }
            if (a[line] == ' ' || a[line] == '\t') {
                return "obsolete line folding in header line '" + shown(a, line, lineEnd) + "'";
            }
            int colon = indexOf(a, line, lineEnd, (byte) ':');
            if (colon <= line) {
                return "header line '" + shown(a, line, lineEnd) + "' has no name and colon";
            }
            int hash = 0;
            for (int i = line; i < colon; i++) {
                if (!HttpTokens.getToken(a[i]).isRfc2616Token()) {
                    return "header name '" + shown(a, line, colon) + "' is not an HTTP token";
                }
                hash = 31 * hash + lower(a[i]);
            }
            int valueStart = colon + 1;
            while (valueStart < lineEnd && (a[valueStart] == ' ' || a[valueStart] == '\t')) {
                valueStart++;
            }
            int valueEnd = lineEnd;
            while (valueEnd > valueStart && (a[valueEnd - 1] == ' ' || a[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            for (int i = valueStart; i < valueEnd; i++) {
                int c = a[i];
                if (c >= 0 && c < ' ' && c != '\t' || c == 0x7F) {
                    return "header '" + shown(a, line, colon) + "' has a control character in its value";
                }
            }
            HttpHeader header = header(a, line, colon, hash);
            String value = new String(a, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
            if (header == null) {
                fields.add(new HttpField(null, new String(a, line, colon - line, StandardCharsets.ISO_8859_1), value));
                continue;
            }
            switch (header) {
                case CONTENT_LENGTH -> {
                    if (contentLength >= 0) {
                        return "more than one Content-Length";
                    }
                    contentLength = digits(value);
                    if (contentLength < 0) {
                        return "invalid Content-Length '" + shown(value) + "'";
                    }
                    fields.add(new HttpField.LongValueHttpField(header, header.asString(), value, contentLength));
                    continue;
                }
                case TRANSFER_ENCODING -> transferEncoding = transferEncoding == null ? value
                        : transferEncoding + ", " + value;
                case CONNECTION -> close |= HopByHop.listedIn(value, "close");
                default -> {
                }
            }
            fields.add(new HttpField(header, header.asString(), value));
        }
        if (code < 200) {
            if (code == 101) {
                return "101 Switching Protocols to a request that asked for no upgrade";
            }
            return null; // an interim answer (100 Continue, 103 Early Hints): not relayed, the final one follows
        }
        boolean chunked = false;
        if (transferEncoding != null) {
            if (contentLength >= 0) {
                return "both Content-Length and Transfer-Encoding";
            }
            String[] codings = transferEncoding.split(",");
            for (int i = 0; i < codings.length; i++) {
                if (codings[i].trim().equalsIgnoreCase("chunked")) {
                    if (i != codings.length - 1) {
                        return "chunked is not the final transfer coding in '" + shown(transferEncoding)
                                + "'";
                    }
                    chunked = true;
                }
            }
        }
        status = code;
        persistent = !close;
        if (headRequest || code == 204 || code == 304) {
            state = State.END;
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (transferEncoding == null && contentLength >= 0) {
            state = State.CONTENT;
            remaining = contentLength;
        } else {
            state = State.EOF_CONTENT; // delimited by the connection's close
            persistent = false;
        }
        handler.onHead(code, fields);
        return null;
    }

    /**
     * The status code of a status line {@code HTTP/1.x SP 3DIGIT [SP reason]}, or -1. Any three-digit code from 100
     * is relayed: the gateway does not judge a backend's status codes, only the message's framing.
     */
    private static int statusCode(byte[] a, int from, int to) {
        if (to - from < 12 || a[from] != 'H' || a[from + 1] != 'T' || a[from + 2] != 'T' || a[from + 3] != 'P'
                || a[from + 4] != '/' || a[from + 5] != '1' || a[from + 6] != '.'
                || a[from + 7] != '1' && a[from + 7] != '0' || a[from + 8] != ' ') {
            return -1;
        }
        int code = 0;
        for (int i = from + 9; i < from + 12; i++) {
            if (a[i] < '0' || a[i] > '9') {
                return -1;
            }
            code = code * 10 + a[i] - '0';
        }
        if (code < 100 || to > from + 12 && a[from + 12] != ' ') {
            return -1;
        }
        for (int i = from + 13; i < to; i++) {
            int c = a[i];
            if (c >= 0 && c < ' ' && c != '\t' || c == 0x7F) {
                return -1;
            }
        }
        return code;
    }

    /** The size of a chunk-size line {@code [from, lf)} (hex digits, then optional extensions), or -1. */
    private static long chunkSize(byte[] a, int from, int lf) {
        int to = lineEnd(a, from, lf);
        if (to < 0) {
            return -1;
        }
        long size = 0;
        int i = from;
        for (; i < to; i++) {
            int digit = Character.digit(a[i], 16);
            if (digit < 0) {
                break;
            }
            if (i - from >= 15) {
                return -1; // beyond any body a connection carries, and on the way to overflowing
            }
            size = size * 16 + digit;
        }
        if (i == from) {
            return -1;
        }
        while (i < to && (a[i] == ' ' || a[i] == '\t')) {
            i++;
        }
        if (i < to && a[i] != ';') {
            return -1;
        }
        for (; i < to; i++) {
            int c = a[i];
            if (c >= 0 && c < ' ' && c != '\t' || c == 0x7F) {
                return -1;
            }
        }
        return size;
    }

    /** The end of a line's content ending with the line feed at {@code lf} (before its CR), or -1 for a bare CR. */
    private static int lineEnd(byte[] a, int from, int lf) {
        int end = lf > from && a[lf - 1] == '\r' ? lf - 1 : lf;
        for (int i = from; i < end; i++) {
            if (a[i] == '\r') {
                return -1;
            }
        }
        return end;
    }

    private static int indexOf(byte[] a, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** The value as a non-negative decimal of at most 18 digits, or -1. */
    private static long digits(String value) {
        int length = value.length();
        if (length == 0 || length > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + c - '0';
        }
        return n;
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }

    private static int hash(byte[] a, int from, int to) {
        int hash = 0;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + lower(a[i]);
        }
        return hash;
    }

    /** The known header named by {@code [from, to)}, in any case, or null. */
    private static HttpHeader header(byte[] a, int from, int to, int hash) {
        int length = to - from;
        for (int slot = hash & (NAMES.length - 1); NAMES[slot] != null; slot = (slot + 1) & (NAMES.length - 1)) {
            String name = NAMES[slot].asString();
            if (name.length() == length && sameName(a, from, name)) {
                return NAMES[slot];
            }
        }
        return null;
    }

    private static boolean sameName(byte[] a, int from, String name) {
        for (int i = 0; i < name.length(); i++) {
            if (lower(a[from + i]) != lower(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Bytes of a refused line for a message: at most 80, control characters as '?'. */
    private static String shown(byte[] a, int from, int to) {
        return shown(new String(a, from, Math.min(to - from, 80), StandardCharsets.ISO_8859_1));
    }

    /** A refused value as a message shows it: control characters as '?', so a logged error stays one line. */
    private static String shown(String value) {
        return value.replaceAll("\\p{Cntrl}", "?");
    }
}
