package io.gatehouse.app.internal.security;

/**
 * Who may do what. Viewers read records; editors also create records and change or delete the records they own;
 * admins may do everything, including the admin API.
 */
public final class AccessPolicy {

    /** The protected actions. */
    public enum Action {
        READ_RECORDS, CREATE_RECORD, UPDATE_RECORD, DELETE_RECORD, ADMIN
    }

    private AccessPolicy() {
    }

    /**
     * @param ownerId the owner of the record acted on, or {@code null} when the action concerns no existing record
     */
    public static boolean allows(Caller caller, Action action, Long ownerId) {
        if (caller.has(Role.ADMIN)) {
            return true;
        }
        return switch (action) {
            case READ_RECORDS -> caller.has(Role.VIEWER) || caller.has(Role.EDITOR);
            case CREATE_RECORD -> caller.has(Role.EDITOR);
            case UPDATE_RECORD, DELETE_RECORD -> caller.has(Role.EDITOR) && ownerId != null
                    && ownerId == caller.userId();
            case ADMIN -> false;
        };
    }
}
