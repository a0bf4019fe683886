package org.tandemrec.llm.sft;

/**
 * A supervised fine-tuning pair: the loss is taken on the answer's tokens (and end-of-sequence)
 * only. {@code id} optionally names the example (for tracing it back to its source); it may be
 * null.
 */
public record SftExample(String id, String prompt, String answer) {
    public SftExample {
        if (prompt == null || prompt.isEmpty()) {
            throw new IllegalArgumentException("prompt must not be empty");
        }
        if (answer == null || answer.isEmpty()) {
            throw new IllegalArgumentException("answer must not be empty");
        }
    }

    /** An example without an id. */
    public SftExample(String prompt, String answer) {
        this(null, prompt, answer);
    }
}
