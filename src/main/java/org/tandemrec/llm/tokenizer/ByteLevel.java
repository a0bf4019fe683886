package org.tandemrec.llm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level pre-tokenisation (Radford et al. 2019, §2.2), as the Hugging Face {@code
 * ByteLevel} pre-tokenizer applies it: text is split by the GPT-2 regex (contractions, letters
 * with an optional leading space, digits, other symbols, whitespace), and each piece's UTF-8
 * bytes are written with the printable stand-in characters of {@code bytes_to_unicode} (space
 * becomes Ġ), so every string maps to symbols of a 256-character alphabet.
 */
public final class ByteLevel {
    /** The GPT-2 split pattern. */
    static final Pattern SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    private static final char[] BYTE_TO_CHAR = byteToChar();

    private ByteLevel() {
    }

    private static char[] byteToChar() {
        char[] out = new char[256];
        boolean[] printable = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            printable[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            printable[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            printable[b] = true;
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            out[b] = printable[b] ? (char) b : (char) (256 + n++);
        }
        return out;
    }

    /** The stand-in character of byte {@code b} (0..255). */
    public static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The pieces of {@code text}, each in the byte alphabet. */
    public static List<String> preTokenize(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = SPLIT.matcher(text);
        while (m.find()) {
            out.add(toAlphabet(m.group()));
        }
        return out;
    }

    /** UTF-8 bytes of {@code piece} written in the byte alphabet. */
    public static String toAlphabet(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        char[] c = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            c[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(c);
    }
}
