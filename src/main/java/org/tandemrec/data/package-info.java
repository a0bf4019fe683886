/**
 * Interaction data: columnar {@link org.tandemrec.data.InteractionTable}s (int users and items,
 * float values, long timestamps), {@link org.tandemrec.data.IdMap}s from raw ids, item and user
 * side information, and {@link org.tandemrec.data.Dataset} holding them together. Loaders by
 * {@link org.tandemrec.data.DatasetFormat}: MovieLens 100K and 1M/10M, Amazon reviews (2014
 * dump, 2018/2023 JSON lines), CSV with optional item and user side files, RecBole's atomic
 * files, and Tandem's own directory format; every malformed line is
 * reported with file, line and field. Filters: {@link org.tandemrec.data.KCoreFilter},
 * {@link org.tandemrec.data.LabelRule}. The synthetic world lives in
 * {@link org.tandemrec.data.synthetic}.
 */
package org.tandemrec.data;
