package io.gatehouse.app.internal.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.app.internal.security.AccessPolicy.Action;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {

    private static Caller caller(long id, Role... roles) {
        Set<Role> set = roles.length == 0 ? EnumSet.noneOf(Role.class) : EnumSet.of(roles[0], roles);
        return new Caller(id, "u" + id, set, UUID.randomUUID(), false);
    }

    @Test
    void viewerOnlyReads() {
        Caller viewer = caller(1, Role.VIEWER);
        assertTrue(AccessPolicy.allows(viewer, Action.READ_RECORDS, null));
        assertFalse(AccessPolicy.allows(viewer, Action.CREATE_RECORD, null));
        assertFalse(AccessPolicy.allows(viewer, Action.UPDATE_RECORD, 1L));
        assertFalse(AccessPolicy.allows(viewer, Action.DELETE_RECORD, 1L));
        assertFalse(AccessPolicy.allows(viewer, Action.ADMIN, null));
    }

    @Test
    void editorCreatesAndChangesOnlyItsOwn() {
        Caller editor = caller(2, Role.EDITOR);
        assertTrue(AccessPolicy.allows(editor, Action.READ_RECORDS, null));
        assertTrue(AccessPolicy.allows(editor, Action.CREATE_RECORD, null));
        assertTrue(AccessPolicy.allows(editor, Action.UPDATE_RECORD, 2L));
        assertTrue(AccessPolicy.allows(editor, Action.DELETE_RECORD, 2L));
        assertFalse(AccessPolicy.allows(editor, Action.UPDATE_RECORD, 3L));
        assertFalse(AccessPolicy.allows(editor, Action.DELETE_RECORD, 3L));
        assertFalse(AccessPolicy.allows(editor, Action.UPDATE_RECORD, null));
        assertFalse(AccessPolicy.allows(editor, Action.ADMIN, null));
    }

    @Test
    void adminDoesEverything() {
        Caller admin = caller(3, Role.ADMIN);
        for (Action a : Action.values()) {
            assertTrue(AccessPolicy.allows(admin, a, 99L), a.name());
        }
    }

    @Test
    void noRoleNoAccess() {
        Caller nobody = caller(4);
        for (Action a : Action.values()) {
            assertFalse(AccessPolicy.allows(nobody, a, 4L), a.name());
        }
    }
}
