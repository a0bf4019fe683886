package org.tandemrec.data.format;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import org.tandemrec.data.DataFormatException;

/**
 * A field's value read from its bytes b[s, e) in the reader's buffer: numbers parsed without a
 * String on the common path (plain digits with an optional sign and decimal point), text decoded
 * as UTF-8 or Latin-1. A malformed number throws {@link NumberFormatException} with a message
 * that quotes the field; {@link DelimitedReader} turns it into a {@link DataFormatException} with
 * the file, line and field name.
 */
final class FieldBytes {
    private static final double[] POW10 = new double[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private FieldBytes() {
    }

    /** A finite decimal number. */
    static double decimal(byte[] b, int s, int e) {
        int i = s;
        boolean neg = false;
        if (i < e && (b[i] == '-' || b[i] == '+')) {
            neg = b[i] == '-';
            i++;
        }
        long m = 0;
        int digits = 0;
        int frac = 0;
        boolean dot = false;
        boolean simple = i < e;
        for (; i < e; i++) {
            byte c = b[i];
            if (c >= '0' && c <= '9' && digits < 18) {
                m = m * 10 + (c - '0');
                digits++;
                if (dot) {
                    frac++;
                }
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                simple = false;
                break;
            }
        }
        if (simple && digits > 0) {
            // m and 10^frac are exact doubles, so the quotient is correctly rounded.
            double v = frac == 0 ? m : m / POW10[frac];
            return neg ? -v : v;
        }
        String t = new String(b, s, e - s, StandardCharsets.ISO_8859_1);
        try {
            double v = Double.parseDouble(t);
            if (Double.isFinite(v) && !t.isEmpty() && !Character.isLetter(t.charAt(t.length() - 1))) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the field's text
        }
        throw new NumberFormatException(t.isEmpty() ? "empty, expected a number"
                : "expected a number, got '" + preview(t) + "'");
    }

    /** An integer; a decimal with a fractional part is truncated towards minus infinity. */
    static long integer(byte[] b, int s, int e) {
        int i = s;
        boolean neg = false;
        if (i < e && b[i] == '-') {
            neg = true;
            i++;
        }
        if (i < e && e - i <= 18) {
            long v = 0;
            for (; i < e; i++) {
                byte c = b[i];
                if (c < '0' || c > '9') {
                    break;
                }
                v = v * 10 + (c - '0');
            }
            if (i == e) {
                return neg ? -v : v;
            }
        }
        String t = new String(b, s, e - s, StandardCharsets.ISO_8859_1);
        try {
            return Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
        } catch (NumberFormatException notLong) {
            try {
                double d = Double.parseDouble(t);
                if (Double.isFinite(d) && Math.abs(d) < 9.2e18 && !Character.isLetter(t.charAt(t.length() - 1))) {
                    return (long) Math.floor(d);
                }
            } catch (NumberFormatException ignored) {
                // reported below with the field's text
            }
        }
        throw new NumberFormatException(t.isEmpty() ? "empty, expected an integer"
                : "expected an integer, got '" + preview(t) + "'");
    }

    /**
     * UTF-8 when the bytes are valid UTF-8, otherwise ISO-8859-1: the MovieLens 100K/1M item
     * files are Latin-1, later releases UTF-8, and Latin-1 accents are almost never valid UTF-8
     * sequences.
     */
    static String utf8OrLatin1(byte[] b, int s, int e) {
        int len = e - s;
        boolean ascii = true;
        for (int i = s; i < s + len; i++) {
            if (b[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (!ascii) {
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b, s, len)).toString();
            } catch (CharacterCodingException notUtf8) {
                // falls through to Latin-1
            }
        }
        return new String(b, s, len, StandardCharsets.ISO_8859_1);
    }

    /**
     * The offset in b[s, e) of the first byte that is not part of valid UTF-8 (a stray
     * continuation byte, a truncated or overlong sequence, a surrogate), or -1 when all of it is
     * UTF-8. Plain ASCII, the common case of ids, is recognised without a decoder.
     */
    static int nonUtf8Offset(byte[] b, int s, int e) {
        int i = s;
        while (i < e && b[i] >= 0) {
            i++;
        }
        if (i == e) {
            return -1;
        }
        ByteBuffer in = ByteBuffer.wrap(b, i, e - i);
        // A new decoder reports malformed input instead of replacing it; e - i chars always suffice.
        CoderResult r = StandardCharsets.UTF_8.newDecoder().decode(in, CharBuffer.allocate(e - i), true);
        return r.isError() ? in.position() - s : -1;
    }

    /** True when the bytes are exactly the given ASCII text. */
    static boolean equalsAscii(byte[] b, int s, int e, String ascii) {
        int len = e - s;
        if (len != ascii.length()) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            if (b[s + k] != ascii.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static String preview(String t) {
        return t.length() <= 40 ? t : t.substring(0, 40) + "...";
    }
}
