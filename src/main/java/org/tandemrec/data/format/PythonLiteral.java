package org.tandemrec.data.format;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parser of Python literal expressions as written by {@code repr()} of dicts: the syntax of the
 * 2014 Amazon review dumps ({@code {'asin': 'B0', 'overall': 5.0, 'helpful': [2, 3]}}).
 *
 * <p>Supports single-, double- and triple-quoted strings with an optional {@code u}/{@code b}/
 * {@code r} prefix and the escapes of Python 3 string literals, adjacent string literals
 * (concatenated), integers and floats, {@code True}/{@code False}/{@code None}, dicts, lists,
 * tuples and sets. Values become {@link String}, {@link Long} or {@link BigInteger},
 * {@link Double}, {@link Boolean}, null, {@code Map<String,Object>} (keys via
 * {@code String.valueOf}), and {@code List<Object>} (for lists, tuples and sets).
 */
public final class PythonLiteral {
    private final String s;
    private int i;

    private PythonLiteral(String s) {
        this.s = s;
    }

    /**
     * Parses one complete literal.
     *
     * @throws IllegalArgumentException naming the character position of a syntax error
     */
    public static Object parse(String text) {
        PythonLiteral p = new PythonLiteral(text);
        Object v = p.value();
        p.skipSpace();
        if (p.i != text.length()) {
            throw p.error("unexpected '" + text.charAt(p.i) + "' after the value");
        }
        return v;
    }

    private Object value() {
        skipSpace();
        if (i >= s.length()) {
            throw error("unexpected end of input");
        }
        char c = s.charAt(i);
        switch (c) {
            case '{':
                return dictOrSet();
            case '[':
                i++;
                return sequence(']');
            case '(':
                i++;
                return sequence(')');
            case '\'':
            case '"':
                return strings();
            default:
                break;
        }
        if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) {
            return number();
        }
        if (Character.isLetter(c) || c == '_') {
            int start = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                i++;
            }
            String word = s.substring(start, i);
            if (i < s.length() && (s.charAt(i) == '\'' || s.charAt(i) == '"') && isStringPrefix(word)) {
                i = start;
                return strings();
            }
            switch (word) {
                case "True":
                    return Boolean.TRUE;
                case "False":
                    return Boolean.FALSE;
                case "None":
                    return null;
                default:
                    i = start;
                    throw error("unknown name '" + word + "'");
            }
        }
        throw error("unexpected '" + c + "'");
    }

    private Object dictOrSet() {
        i++;
        skipSpace();
        Map<String, Object> map = new LinkedHashMap<>();
        if (peek() == '}') {
            i++;
            return map;
        }
        Object first = value();
        skipSpace();
        if (peek() != ':') {
            List<Object> set = new ArrayList<>();
            set.add(first);
            if (peek() == ',') {
                i++;
                set.addAll(sequence('}'));
            } else {
                expect('}');
            }
            return set;
        }
        i++;
        map.put(String.valueOf(first), value());
        while (true) {
            skipSpace();
            char c = peek();
            if (c == '}') {
                i++;
                return map;
            }
            expect(',');
            skipSpace();
            if (peek() == '}') {
                i++;
                return map;
            }
            Object k = value();
            skipSpace();
            expect(':');
            map.put(String.valueOf(k), value());
        }
    }

    /** Items up to the closing bracket, which has not been consumed; trailing comma allowed. */
    private List<Object> sequence(char close) {
        List<Object> out = new ArrayList<>();
        while (true) {
            skipSpace();
            if (peek() == close) {
                i++;
                return out;
            }
            out.add(value());
            skipSpace();
            if (peek() == close) {
                i++;
                return out;
            }
            expect(',');
        }
    }

    private String strings() {
        StringBuilder sb = new StringBuilder();
        do {
            string(sb);
            skipSpace();
        } while (i < s.length() && startsString());
        return sb.toString();
    }

    private boolean startsString() {
        char c = s.charAt(i);
        if (c == '\'' || c == '"') {
            return true;
        }
        int j = i;
        while (j < s.length() && j - i < 2 && Character.isLetter(s.charAt(j))) {
            j++;
        }
        return j > i && j < s.length() && (s.charAt(j) == '\'' || s.charAt(j) == '"') && isStringPrefix(s.substring(i, j));
    }

    private static boolean isStringPrefix(String w) {
        String p = w.toLowerCase(java.util.Locale.ROOT);
        return p.equals("u") || p.equals("b") || p.equals("r") || p.equals("br") || p.equals("rb");
    }

    private void string(StringBuilder sb) {
        boolean raw = false;
        while (Character.isLetter(s.charAt(i))) {
            raw |= Character.toLowerCase(s.charAt(i)) == 'r';
            i++;
        }
        char q = s.charAt(i);
        boolean triple = s.startsWith(String.valueOf(q).repeat(3), i);
        int open = i;
        i += triple ? 3 : 1;
        while (true) {
            if (i >= s.length()) {
                i = open;
                throw error("string is not closed");
            }
            char c = s.charAt(i);
            if (c == q && (!triple || s.startsWith(String.valueOf(q).repeat(3), i))) {
                i += triple ? 3 : 1;
                return;
            }
            if (c == '\\' && i + 1 < s.length()) {
                if (raw) {
                    sb.append(c).append(s.charAt(i + 1));
                    i += 2;
                } else {
                    escape(sb);
                }
                continue;
            }
            if ((c == '\n' || c == '\r') && !triple) {
                throw error("line break inside a string");
            }
            sb.append(c);
            i++;
        }
    }

    private void escape(StringBuilder sb) {
        char e = s.charAt(i + 1);
        i += 2;
        switch (e) {
            case '\n':
                return;
            case '\\':
            case '\'':
            case '"':
                sb.append(e);
                return;
            case 'n':
                sb.append('\n');
                return;
            case 't':
                sb.append('\t');
                return;
            case 'r':
                sb.append('\r');
                return;
            case 'b':
                sb.append('\b');
                return;
            case 'f':
                sb.append('\f');
                return;
            case 'v':
                sb.append('\u000B');
                return;
            case 'a':
                sb.append('\u0007');
                return;
            case 'x':
                sb.appendCodePoint(hex(2));
                return;
            case 'u':
                sb.appendCodePoint(hex(4));
                return;
            case 'U':
                sb.appendCodePoint(hex(8));
                return;
            default:
                break;
        }
        if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int k = 0; k < 2 && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7'; k++) {
                v = v * 8 + (s.charAt(i++) - '0');
            }
            sb.append((char) v);
            return;
        }
        // Python keeps unknown escapes verbatim.
        sb.append('\\').append(e);
    }

    private int hex(int digits) {
        if (i + digits > s.length()) {
            throw error("truncated \\x/\\u escape");
        }
        try {
            int cp = Integer.parseInt(s.substring(i, i + digits), 16);
            if (!Character.isValidCodePoint(cp)) {
                throw error("escape \\U" + s.substring(i, i + digits) + " is not a code point");
            }
            i += digits;
            return cp;
        } catch (NumberFormatException ex) {
            throw error("bad hex escape '" + s.substring(i, i + digits) + "'");
        }
    }

    private Object number() {
        int start = i;
        if (s.charAt(i) == '-' || s.charAt(i) == '+') {
            i++;
        }
        boolean isFloat = false;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isDigit(c) || c == '_') {
                i++;
            } else if (c == '.' || c == 'e' || c == 'E') {
                isFloat = true;
                i++;
                if ((c == 'e' || c == 'E') && i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
                    i++;
                }
            } else {
                break;
            }
        }
        String t = s.substring(start, i).replace("_", "");
        try {
            if (isFloat) {
                return Double.parseDouble(t);
            }
            BigInteger b = new BigInteger(t.startsWith("+") ? t.substring(1) : t);
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        } catch (NumberFormatException ex) {
            i = start;
            throw error("bad number '" + t + "'");
        }
    }

    private void skipSpace() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private char peek() {
        if (i >= s.length()) {
            throw error("unexpected end of input");
        }
        return s.charAt(i);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "' but found '" + s.charAt(i) + "'");
        }
        i++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("Python literal, column " + (i + 1) + ": " + what);
    }
}
