/**
 * Supervised fine-tuning on prompt/answer pairs with the loss on the answer only
 * ({@link org.tandemrec.llm.sft.SftTask} on the shared {@link org.tandemrec.train.Trainer}):
 * LoRA, LoRA with the rows of added ID tokens, or every weight; the {@code tandem-sft} data
 * file, validated settings, and {@link org.tandemrec.llm.sft.SftJob}, which runs it from files to
 * a run directory.
 */
package org.tandemrec.llm.sft;
