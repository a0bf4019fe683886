/**
 * Click-through-rate models over categorical features, the CRMs of CoReLLa and its baselines:
 * {@link org.tandemrec.crm.ctr.DcnV2} (CoReLLa's CRM), {@link org.tandemrec.crm.ctr.AutoInt},
 * {@link org.tandemrec.crm.ctr.XDeepFm} and {@link org.tandemrec.crm.ctr.FiBiNet}, each a
 * {@link org.tandemrec.crm.ctr.CtrModel} with its network in a package-private class beside it;
 * the field embeddings and DNN tower they share ({@code FieldEmbeddings}, {@code DeepTower}), the
 * features and labelled examples they read ({@link org.tandemrec.crm.ctr.CtrFeatures},
 * {@link org.tandemrec.crm.ctr.CtrExamples}) and post-hoc calibration
 * ({@link org.tandemrec.crm.ctr.PlattScaling}).
 */
package org.tandemrec.crm.ctr;
