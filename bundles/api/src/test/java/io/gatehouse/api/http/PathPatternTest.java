package io.gatehouse.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PathPatternTest {

    @Test
    void doubleStarAtTheEndMatchesTheFolderAndEverythingBelow() {
        PathPattern api = PathPattern.of("/api/**");
        assertTrue(api.matches("/api"));
        assertTrue(api.matches("/api/"));
        assertTrue(api.matches("/api/auth/login"));
        assertFalse(api.matches("/apiary"));
        assertFalse(api.matches("/static/api/x"));
    }

    @Test
    void everyPathMatchesSlashDoubleStar() {
        PathPattern all = PathPattern.of("/**");
        assertTrue(all.matches("/"));
        assertTrue(all.matches("/a/b/c"));
    }

    @Test
    void singleStarAndQuestionMarkStayWithinOneSegment() {
        assertTrue(PathPattern.of("/api/*/items").matches("/api/v1/items"));
        assertFalse(PathPattern.of("/api/*/items").matches("/api/v1/x/items"));
        assertTrue(PathPattern.of("/file?.txt").matches("/file1.txt"));
        assertFalse(PathPattern.of("/file?.txt").matches("/file/.txt"));
    }

    @Test
    void doubleStarInTheMiddleMatchesZeroOrMoreSegments() {
        PathPattern p = PathPattern.of("/api/**/admin");
        assertTrue(p.matches("/api/admin"));
        assertTrue(p.matches("/api/v1/x/admin"));
        assertFalse(p.matches("/api/v1/administrator"));
    }

    @Test
    void literalPatternsMatchExactlyAndRegexCharactersAreLiteral() {
        assertTrue(PathPattern.of("/api/auth/login").matches("/api/auth/login"));
        assertFalse(PathPattern.of("/api/auth/login").matches("/api/auth/login/"));
        assertFalse(PathPattern.of("/a.b/*").matches("/aXb/c"));
    }

    @Test
    void specificityIsTheLiteralPrefixLength() {
        assertTrue(PathPattern.of("/api/admin/**").specificity() > PathPattern.of("/api/**").specificity());
        assertEquals(Integer.MAX_VALUE, PathPattern.of("/exact").specificity());
    }

    @Test
    void aPatternMustStartWithASlash() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PathPattern.of("api/**"));
        assertTrue(e.getMessage().contains("'api/**'"));
    }

    @Test
    void folderPatternsMatchWithoutARegexExactlyAsTheRegexWould() {
        String[] patterns = {"/api/**", "/**", "/api/auth/login/**", "/a.b/**", "/x/**"};
        String[] paths = {"/", "", "/api", "/api/", "/api/x", "/api/x/y", "/apix", "/apix/y", "/ap", "/api/auth/login",
            "/api/auth/login/", "/api/auth/loginx", "/a.b", "/a.b/c", "/aXb/c", "/x", "/x/", "/y/x/z", "//"};
        for (String p : patterns) {
            java.util.regex.Pattern regex = java.util.regex.Pattern.compile(
                    java.util.regex.Pattern.quote(p.substring(0, p.length() - 3)) + "(?:/.*)?");
            for (String path : paths) {
                assertEquals(regex.matcher(path).matches(), PathPattern.of(p).matches(path), p + " on '" + path + "'");
            }
        }
    }
}
