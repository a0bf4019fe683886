package org.tandemrec.data.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PythonLiteralTest {
    @Test
    void amazon2014ReviewLine() {
        Object v = PythonLiteral.parse("{'reviewerID': 'A1', 'asin': 'B0', 'helpful': [2, 3], 'overall': 5.0, "
                + "'reviewText': \"it's \\\"great\\\"\\n\", 'unixReviewTime': 1400000000, 'verified': True, 'x': None}");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals("A1", m.get("reviewerID"));
        assertEquals(List.of(2L, 3L), m.get("helpful"));
        assertEquals(5.0, m.get("overall"));
        assertEquals("it's \"great\"\n", m.get("reviewText"));
        assertEquals(1400000000L, m.get("unixReviewTime"));
        assertEquals(Boolean.TRUE, m.get("verified"));
        assertNull(m.get("x"));
    }

    @Test
    void nestedContainersTuplesEscapesAndPrefixes() {
        Map<?, ?> m = (Map<?, ?>) PythonLiteral.parse(
                "{'categories': [['Books', 'Fiction'], ['Kindle']], 't': (1,), 'e': (), 'u': u'caf\\xe9 \\u00e9\\N', "
                        + "'r': r'a\\nb', 'n': -1.5e-3, 'k': 1, 2: 'two', 'cat': 'a' 'b', 's': {1, 2}, 'd': {}, 'tr': '''x'y'''}");
        assertEquals(List.of(List.of("Books", "Fiction"), List.of("Kindle")), m.get("categories"));
        assertEquals(List.of(1L), m.get("t"));
        assertEquals(List.of(), m.get("e"));
        assertEquals("café é\\N", m.get("u"));
        assertEquals("a\\nb", m.get("r"));
        assertEquals(-1.5e-3, m.get("n"));
        assertEquals("two", m.get("2"));
        assertEquals("ab", m.get("cat"));
        assertEquals(Arrays.asList(1L, 2L), m.get("s"));
        assertEquals(Map.of(), m.get("d"));
        assertEquals("x'y", m.get("tr"));
    }

    @Test
    void syntaxErrorsSayWhere() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PythonLiteral.parse("{'a': 'b}"));
        assertEquals("Python literal, column 7: string is not closed", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PythonLiteral.parse("{'a': nan}"));
        assertThrows(IllegalArgumentException.class, () -> PythonLiteral.parse("{'a': 1} x"));
    }
}
