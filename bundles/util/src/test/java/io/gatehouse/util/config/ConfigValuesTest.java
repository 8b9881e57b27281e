package io.gatehouse.util.config;

import static io.gatehouse.util.config.ConfigValues.COMMA;
import static io.gatehouse.util.config.ConfigValues.Entries.DROP_BLANK_KEEP;
import static io.gatehouse.util.config.ConfigValues.Entries.DROP_BLANK_TRIM;
import static io.gatehouse.util.config.ConfigValues.Entries.TRIM_DROP_EMPTY;
import static io.gatehouse.util.config.ConfigValues.SEMICOLON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gatehouse.util.config.ConfigValues.Entries;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigValuesTest {

    @Test
    void anArrayAndOneSeparatedStringGiveTheSameEntriesInOrder() {
        for (Entries mode : Entries.values()) {
            assertEquals(List.of("GET", "HEAD", "POST"),
                    ConfigValues.split(new String[] {"GET", "HEAD", "POST"}, COMMA, mode), mode.name());
            assertEquals(List.of("GET", "HEAD", "POST"),
                    ConfigValues.split(new String[] {"GET,HEAD,POST"}, COMMA, mode), mode.name());
            assertEquals(List.of("GET", "HEAD", "POST"), ConfigValues.split("GET,HEAD,POST", COMMA, mode), mode.name());
            // a value of the array may itself hold several entries: all of them, array order first
            assertEquals(List.of("a", "b", "c", "d"),
                    ConfigValues.split(new String[] {"a,b", "c", "d"}, COMMA, mode), mode.name());
        }
    }

    @Test
    void emptyAndBlankEntriesAreDroppedWhereverTheyStand() {
        for (Entries mode : Entries.values()) {
            assertEquals(List.of("a", "b"), ConfigValues.split(",,a,,,b,,", COMMA, mode), mode.name());
            assertEquals(List.of("a", "b"), ConfigValues.split(new String[] {"", "a", " ", ",\t,", "b"}, COMMA, mode),
                    mode.name());
            assertEquals(List.of(), ConfigValues.split("", COMMA, mode), mode.name());
            assertEquals(List.of(), ConfigValues.split(" , ,\n", COMMA, mode), mode.name());
        }
    }

    @Test
    void nullHoldsNoEntries() {
        for (Entries mode : Entries.values()) {
            assertEquals(List.of(), ConfigValues.split((String[]) null, COMMA, mode));
            assertEquals(List.of(), ConfigValues.split((String) null, COMMA, mode));
            assertEquals(List.of("a", "b"), ConfigValues.split(new String[] {"a", null, "b"}, COMMA, mode));
        }
    }

    @Test
    void entriesAreTrimmedExceptWhenTheCallerKeepsThemAsWritten() {
        String[] values = {" 10.0.0.1:5701 ,\t10.0.0.2:5701\n", "  allow 10.0.0.0/8  "};
        List<String> trimmed = List.of("10.0.0.1:5701", "10.0.0.2:5701", "allow 10.0.0.0/8");
        assertEquals(trimmed, ConfigValues.split(values, COMMA, TRIM_DROP_EMPTY));
        assertEquals(trimmed, ConfigValues.split(values, COMMA, DROP_BLANK_TRIM));
        assertEquals(List.of(" 10.0.0.1:5701 ", "\t10.0.0.2:5701\n", "  allow 10.0.0.0/8  "),
                ConfigValues.split(values, COMMA, DROP_BLANK_KEEP));
        // white space inside an entry is the entry's own
        assertEquals(List.of("127.0.0.1:80 weight=2"), ConfigValues.split(" 127.0.0.1:80 weight=2 ", COMMA, TRIM_DROP_EMPTY));
    }

    @Test
    void theSeparatorIsTheCallersChoice() {
        String cacheControl = "public, max-age=60 ; no-store;;private, no-cache";
        assertEquals(List.of("public, max-age=60", "no-store", "private, no-cache"),
                ConfigValues.split(new String[] {cacheControl}, SEMICOLON, DROP_BLANK_TRIM));
        assertEquals(List.of("public", "max-age=60 ; no-store;;private", "no-cache"),
                ConfigValues.split(cacheControl, COMMA, TRIM_DROP_EMPTY));
    }

    /**
     * Where the modes part: {@link String#trim()} removes control characters but not Unicode spaces, while
     * {@link String#isBlank()} counts Unicode spaces as blank but not control characters.
     */
    @Test
    void theModesDifferOnlyInWhatCountsAsBlank() {
        String emSpace = "\u2003";
        String control = "\u0001";
        assertEquals(List.of("a", emSpace), ConfigValues.split("a," + emSpace, COMMA, TRIM_DROP_EMPTY));
        assertEquals(List.of("a"), ConfigValues.split("a," + emSpace, COMMA, DROP_BLANK_TRIM));
        assertEquals(List.of("a"), ConfigValues.split("a," + emSpace, COMMA, DROP_BLANK_KEEP));

        assertEquals(List.of("a"), ConfigValues.split("a," + control, COMMA, TRIM_DROP_EMPTY));
        assertEquals(List.of("a", ""), ConfigValues.split("a," + control, COMMA, DROP_BLANK_TRIM));
        assertEquals(List.of("a", control), ConfigValues.split("a," + control, COMMA, DROP_BLANK_KEEP));
    }

    @Test
    void theEntriesCannotBeChangedByTheCaller() {
        List<String> entries = ConfigValues.split("a,b", COMMA, TRIM_DROP_EMPTY);
        assertThrows(UnsupportedOperationException.class, () -> entries.add("c"));
        List<String> fromArray = ConfigValues.split(new String[] {"a"}, COMMA, DROP_BLANK_TRIM);
        assertThrows(UnsupportedOperationException.class, () -> fromArray.remove(0));
    }
}
