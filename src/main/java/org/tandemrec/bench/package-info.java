/**
 * Performance figures of the library, measured on seeded synthetic inputs and returned as
 * numbers (or small records of them) for {@code tandem bench}: one class per area, {@link
 * org.tandemrec.bench.LoadBenchmark}, {@link org.tandemrec.bench.MetricsBenchmark} and {@link
 * org.tandemrec.bench.TextNegativesBenchmark} (data path), {@link
 * org.tandemrec.bench.CrmBenchmark} (conventional models), {@link
 * org.tandemrec.bench.LlmBenchmark} and {@link org.tandemrec.bench.ForwardBenchmark} (the LLM),
 * {@link org.tandemrec.bench.BdlmBenchmark} (BDLM's fine-tuning).
 * Timings keep the best or the median of repetitions after a warm-up (a figure defined as a mean
 * step time, the mean); utilisation figures are
 * relative to a matrix-multiply peak measured in the same process. Beside {@code cli}, it may use
 * every library layer; nothing in the library uses it.
 */
package org.tandemrec.bench;
