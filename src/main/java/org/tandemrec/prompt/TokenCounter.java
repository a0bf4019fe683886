package org.tandemrec.prompt;

/** The number of tokens a model's tokenizer makes of a text (without special tokens): what a token budget counts. */
@FunctionalInterface
public interface TokenCounter {
    int count(String text);
}
