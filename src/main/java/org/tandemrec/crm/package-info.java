/**
 * Conventional recommender models behind one interface, {@link org.tandemrec.crm.Recommender}
 * (score pairs or candidate lists, user/item embeddings, named intermediate outputs as DJL
 * NDArrays). Entry points, one per family, each {@code fit(...)} returning an immutable model:
 * {@link org.tandemrec.crm.LightGcn#fit}, {@link org.tandemrec.crm.MatrixFactorization#fit}
 * (BPR or BCE), {@link org.tandemrec.crm.Ncf#fit} (GMF, MLP, NeuMF), {@link org.tandemrec.crm.DcnV2#fit}
 * (DCNv2 for CTR), {@link org.tandemrec.crm.PopularityRecommender#fit} and
 * {@link org.tandemrec.crm.RandomRecommender}. Models are saved with {@code save(path)} in the
 * {@link org.tandemrec.crm.ModelFile} format and loaded with {@link org.tandemrec.crm.CrmCatalog#load}.
 */
package org.tandemrec.crm;
