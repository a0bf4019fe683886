/**
 * Training machinery shared by every model — the conventional recommenders, LLM pre-training and
 * supervised fine-tuning alike: {@link org.tandemrec.train.TrainConfig} (validated settings),
 * {@link org.tandemrec.train.Parameter} / {@link org.tandemrec.train.ParameterSet} (named
 * trainable matrices of four kinds: dense Java arrays, embedding tables with row-sparse
 * gradients, native DJL tensors updated in place, optionally a range of their rows, and rows of a
 * native tensor with a row-sparse gradient and lazy updates),
 * {@link org.tandemrec.train.AdamOptimizer} (Adam, AdamW, lazy row-sparse Adam; PyTorch's
 * arithmetic on Java arrays and tensors alike), {@link org.tandemrec.train.LearningRateSchedule}
 * (transformers' warm-up, linear and cosine decays, with a floor),
 * {@link org.tandemrec.train.GradientClipping}, and {@link org.tandemrec.train.Trainer}, the one
 * loop (seeded shuffling, early stopping, skipping of non-finite steps, a stop condition, atomic
 * resumable {@link org.tandemrec.train.Checkpoint}s; {@link org.tandemrec.train.StepLog} keeps a
 * resumed run's curve). A model plugs in as a {@link org.tandemrec.train.TrainingTask}: its
 * parameters and the forward + backward pass of a batch, which adds into the parameters'
 * gradients ({@code grad()}, {@code addRowGrad} (also for a row-sparse tensor), or {@code
 * addGrad(NDArray)} for a tensor).
 */
package org.tandemrec.train;
