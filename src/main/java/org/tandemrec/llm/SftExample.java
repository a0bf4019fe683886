package org.tandemrec.llm;

/** A supervised fine-tuning pair: the loss is taken on the answer's tokens (and end-of-sequence) only. */
public record SftExample(String prompt, String answer) {
    public SftExample {
        if (prompt == null || prompt.isEmpty()) {
            throw new IllegalArgumentException("prompt must not be empty");
        }
        if (answer == null || answer.isEmpty()) {
            throw new IllegalArgumentException("answer must not be empty");
        }
    }
}
