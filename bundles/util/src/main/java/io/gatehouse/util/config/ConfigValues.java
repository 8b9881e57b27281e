package io.gatehouse.util.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The entries of a list-valued configuration property. Config Admin may hand a list over as a {@code String[]}, but a
 * {@code .cfg} file (or a value typed into the console) carries it as one string, so every value is split further
 * on a separator: commas, or semicolons for lists whose entries contain commas (Cache-Control values).
 *
 * <p>What happens to the white space around an entry, and which entries count as empty, is the caller's choice
 * ({@link Entries}): the settings that use this differ there, and each keeps what it always did.
 */
public final class ConfigValues {

    /** Entries separated by commas: {@code a, b,c}. */
    public static final Pattern COMMA = Pattern.compile(",");
    /** Entries separated by semicolons, for entries that contain commas themselves. */
    public static final Pattern SEMICOLON = Pattern.compile(";");

    /** How each piece between two separators becomes an entry, or is dropped. */
    public enum Entries {
        /**
         * The piece is {@link String#trim() trimmed} (every character up to U+0020 goes from both ends) and dropped
         * if nothing is left.
         */
        TRIM_DROP_EMPTY,
        /**
         * The piece is dropped if it is {@link String#isBlank() blank} (white space only, in Unicode's sense), else
         * kept {@link String#trim() trimmed}.
         */
        DROP_BLANK_TRIM,
        /**
         * The piece is dropped if it is {@link String#isBlank() blank}, else kept exactly as written, surrounding
         * spaces included: for a caller that trims itself and quotes the entry as written in its messages.
         */
        DROP_BLANK_KEEP
    }

    private ConfigValues() {
    }

    /**
     * The entries of all the values in order. A {@code null} array, and {@code null} elements in it, hold no entries.
     *
     * @param separator what separates entries within one value, such as {@link #COMMA}
     * @return the entries, an unmodifiable list (empty, never {@code null})
     */
    public static List<String> split(String[] values, Pattern separator, Entries entries) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String value : values) {
                add(out, value, separator, entries);
            }
        }
        return List.copyOf(out);
    }

    /** The entries of one value; {@code null} holds none. */
    public static List<String> split(String value, Pattern separator, Entries entries) {
        List<String> out = new ArrayList<>();
        add(out, value, separator, entries);
        return List.copyOf(out);
    }

    private static void add(List<String> out, String value, Pattern separator, Entries entries) {
        if (value == null) {
            return;
        }
        for (String piece : separator.split(value)) {
            switch (entries) {
                case TRIM_DROP_EMPTY -> {
                    String entry = piece.trim();
                    if (!entry.isEmpty()) {
                        out.add(entry);
                    }
                }
                case DROP_BLANK_TRIM -> {
                    if (!piece.isBlank()) {
                        out.add(piece.trim());
                    }
                }
                case DROP_BLANK_KEEP -> {
                    if (!piece.isBlank()) {
                        out.add(piece);
                    }
                }
            }
        }
    }
}
