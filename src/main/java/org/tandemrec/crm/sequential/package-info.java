/**
 * Next-item models over each user's interaction sequence: {@link org.tandemrec.crm.sequential.SasRec},
 * {@link org.tandemrec.crm.sequential.Gru4Rec} and {@link org.tandemrec.crm.sequential.Bert4Rec},
 * each a sequence encoder (settings: a {@link org.tandemrec.crm.sequential.SequenceConfig}) that
 * {@link org.tandemrec.crm.sequential.SequentialRecommender} trains, scores and stores (file config:
 * {@link org.tandemrec.crm.sequential.SequenceLayout}). Training draws its masks from seeded
 * streams ({@code Dropout}), so a run replays.
 */
package org.tandemrec.crm.sequential;
