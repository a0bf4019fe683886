/**
 * Click-through-rate models over categorical features: {@link org.tandemrec.crm.ctr.DcnV2}
 * (CoReLLa's CRM; its network in {@link org.tandemrec.crm.ctr.DcnV2Network}), the features and
 * labelled examples they read ({@link org.tandemrec.crm.ctr.CtrFeatures},
 * {@link org.tandemrec.crm.ctr.CtrExamples}) and post-hoc calibration
 * ({@link org.tandemrec.crm.ctr.PlattScaling}). Further feature-interaction models (AutoInt,
 * xDeepFM, FiBiNet) belong here, on the same features and examples.
 */
package org.tandemrec.crm.ctr;
