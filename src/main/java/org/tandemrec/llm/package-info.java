/**
 * The LLM side: what is done with a Hugging Face decoder once loaded — choice among candidate
 * tokens and Yes/No probabilities ({@link org.tandemrec.llm.ChoiceScorer}), generation with a KV
 * cache ({@link org.tandemrec.llm.Generator}), user and item tokens added to the vocabulary
 * ({@link org.tandemrec.llm.VocabularyExtension}) and checks against golden outputs
 * ({@link org.tandemrec.llm.GoldenCheck}). Its parts, each a sub-package:
 * {@code safetensors} (the weight files), {@code tokenizer} (Hugging Face tokenizers and a
 * byte-level BPE trainer), {@code decoder} (config, weights, the Llama/Mistral/Qwen2 forward
 * pass, its loss gradients), {@code lora} (PEFT adapters), {@code sft} (supervised fine-tuning
 * on the shared trainer) and {@code pretrain} (a small model from scratch). Never imports
 * {@code crm}.
 */
package org.tandemrec.llm;
