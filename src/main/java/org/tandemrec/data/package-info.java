/**
 * Interaction data: columnar {@link org.tandemrec.data.InteractionTable}s (int users and items,
 * float values, long timestamps), {@link org.tandemrec.data.IdMap}s from raw ids, item and user
 * side information, and {@link org.tandemrec.data.Dataset} holding them together; filters
 * {@link org.tandemrec.data.KCoreFilter} and {@link org.tandemrec.data.LabelRule}. The files data
 * sets come in are read in {@link org.tandemrec.data.format}, the synthetic world lives in
 * {@link org.tandemrec.data.synthetic}.
 */
package org.tandemrec.data;
