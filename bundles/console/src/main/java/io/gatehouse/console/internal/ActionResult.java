package io.gatehouse.console.internal;

/**
 * What a console action did, shown on the page.
 *
 * @param status the HTTP status of the answer: 200 done, 400 bad input (nothing changed), 403 refused, 503 service
 *     absent
 * @param message a sentence for the operator naming the value concerned
 * @param operationId for an action that goes on in the background, the id its acceptance and its outcome are
 *     audited under (their request id); empty otherwise
 */
record ActionResult(int status, String message, String operationId) {

    ActionResult(int status, String message) {
        this(status, message, "");
    }

    static ActionResult done(String message) {
        return new ActionResult(200, message);
    }

    /** Accepted, going on in the background as operation {@code operationId}. */
    static ActionResult started(String message, String operationId) {
        return new ActionResult(200, message, operationId);
    }

    static ActionResult badInput(String message) {
        return new ActionResult(400, message);
    }

    static ActionResult forbidden(String message) {
        return new ActionResult(403, message);
    }

    static ActionResult unavailable(String message) {
        return new ActionResult(503, message);
    }

    boolean ok() {
        return status == 200;
    }

    /** The audit outcome word for this result. */
    String outcome() {
        return switch (status) {
            case 200 -> "success";
            case 403 -> "denied";
            default -> "failure";
        };
    }
}
