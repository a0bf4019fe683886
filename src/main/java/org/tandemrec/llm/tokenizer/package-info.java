/**
 * Tokenizers: Hugging Face {@code tokenizer.json} through DJL's bindings
 * ({@link org.tandemrec.llm.tokenizer.LlmTokenizer}, with added whole-word tokens), and a
 * byte-level BPE trainer ({@link org.tandemrec.llm.tokenizer.BpeTrainer}) that learns the small
 * pre-trained model's vocabulary and writes it in the same format.
 */
package org.tandemrec.llm.tokenizer;
