package io.gatehouse.app.internal.security;

/** A token that must not be honoured; the message says why (for the security event, never for the client). */
public final class TokenRejected extends Exception {

    private static final long serialVersionUID = 1L;

    public TokenRejected(String reason) {
        super(reason);
    }
}
