/**
 * Training machinery shared by every model: {@link org.tandemrec.train.TrainConfig} (validated
 * settings), {@link org.tandemrec.train.Parameter} / {@link org.tandemrec.train.ParameterSet}
 * (named float matrices; embedding tables keep row-sparse gradients),
 * {@link org.tandemrec.train.AdamOptimizer} (Adam, AdamW, lazy row-sparse Adam),
 * {@link org.tandemrec.train.LearningRateSchedule}, {@link org.tandemrec.train.GradientClipping},
 * and {@link org.tandemrec.train.Trainer}, the one loop (seeded shuffling, early stopping,
 * atomic resumable {@link org.tandemrec.train.Checkpoint}s). A model plugs in as a
 * {@link org.tandemrec.train.TrainingTask}: its parameters and the forward + backward pass of a batch.
 */
package org.tandemrec.train;
