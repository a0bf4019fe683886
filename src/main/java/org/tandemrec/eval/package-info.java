/**
 * Evaluation: metrics, segmented evaluation, CoReLLa's confidence buckets and routing curve,
 * result records with their {@code metrics.json} file, and the HTML report.
 *
 * <ul>
 *   <li>Binary (CTR / interaction prediction): {@link org.tandemrec.eval.Auc},
 *       {@link org.tandemrec.eval.UserAuc}, {@link org.tandemrec.eval.LogLoss},
 *       {@link org.tandemrec.eval.Confusion} (accuracy, precision, recall, F1), all matching
 *       scikit-learn 1.9 on its goldens.</li>
 *   <li>Top-K over candidate lists: {@link org.tandemrec.eval.CandidateRanks} (ties against the
 *       positive) and {@link org.tandemrec.eval.TopKMetrics} (HR@K, NDCG@K, MRR).</li>
 *   <li>{@link org.tandemrec.eval.SegmentedEvaluator}: "all" plus every segment in one call;
 *       {@link org.tandemrec.eval.ConfidenceBuckets} gives entropy-quantile segments and
 *       {@link org.tandemrec.eval.RoutingCurve} the CRM→LLM routing trade-off.</li>
 *   <li>{@link org.tandemrec.eval.RunResults} / {@link org.tandemrec.eval.MetricsFile}
 *       ({@code metrics.json}, format {@code tandem-metrics} v1) and
 *       {@link org.tandemrec.eval.HtmlReport} ({@code report.html}).</li>
 * </ul>
 * Arrays are primitive and never retained; inputs are validated and errors name the offending
 * index and value.
 */
package org.tandemrec.eval;
