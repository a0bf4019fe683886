package org.tandemrec.llm.safetensors;

import java.util.Locale;

/** Element types a safetensors file may hold that Tandem reads; all are widened to float32. */
public enum SafetensorsDtype {
    F32(4), F16(2), BF16(2);

    private final int bytes;

    SafetensorsDtype(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** Parses the header's dtype string; other types (I64, F64, F8_*, ...) are refused by name. */
    static SafetensorsDtype parse(String name, String tensor) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tensor " + tensor + ": unsupported dtype " + name
                    + " (supported: F32, F16, BF16)");
        }
    }

    /** IEEE half to float. */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal half: value = mant * 2^-24
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** bfloat16 is the top half of a float32. */
    static float bf16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }
}
