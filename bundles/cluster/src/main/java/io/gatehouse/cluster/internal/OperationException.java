package io.gatehouse.cluster.internal;

/** A supervisor operation (restart, reload, scale, deploy) that could not do what it was asked; the message says why. */
public class OperationException extends Exception {

    private static final long serialVersionUID = 1L;

    public OperationException(String message) {
        super(message);
    }

    public OperationException(String message, Throwable cause) {
        super(message, cause);
    }
}
