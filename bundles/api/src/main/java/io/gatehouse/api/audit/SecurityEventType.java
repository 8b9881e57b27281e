package io.gatehouse.api.audit;

/** The kinds of security event Gatehouse records. */
public enum SecurityEventType {
    FAILED_LOGIN,
    ACCOUNT_LOCKED,
    INVALID_TOKEN,
    CSRF_FAILURE,
    ACCESS_DENIED,
    RATE_LIMITED,
    REQUEST_REJECTED
}
