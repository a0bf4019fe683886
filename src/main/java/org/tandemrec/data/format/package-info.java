/**
 * The files a data set comes in, each read into a {@link org.tandemrec.data.Dataset} by its
 * {@link org.tandemrec.data.format.DatasetFormat}: MovieLens 100K and 1M/10M, Amazon reviews (2014
 * dump, 2018/2023 JSON lines), CSV with optional item and user side files, RecBole's atomic
 * files, and Tandem's own directory format. Every malformed line is reported with its file, line
 * and field, or skipped and counted when asked ({@link org.tandemrec.data.format.LoadReport}).
 */
package org.tandemrec.data.format;
