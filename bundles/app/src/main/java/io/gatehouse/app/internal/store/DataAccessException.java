package io.gatehouse.app.internal.store;

import java.sql.SQLException;

/** A database call that failed; {@link #unavailable()} tells a down database from a rejected statement. */
public final class DataAccessException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final String sqlState;

    public DataAccessException(String query, SQLException cause) {
        super("database call " + query + " failed: " + cause.getMessage(), cause);
        this.sqlState = cause.getSQLState();
    }

    public String sqlState() {
        return sqlState;
    }

    /** Connection-class errors (SQLSTATE 08xxx) or none at all: the database could not be reached. */
    public boolean unavailable() {
        return sqlState == null || sqlState.startsWith("08") || sqlState.startsWith("57P");
    }

    public boolean uniqueViolation() {
        return "23505".equals(sqlState);
    }
}
