package org.tandemrec.crm.sequential;

/** What every sequential model's settings have: hidden size, positions, dropout. */
public interface SequenceConfig {
    /** Hidden size d; also the item embedding size (the output layer shares the item table). */
    int dim();

    /** Positions L: the last L items of a sequence are used. */
    int maxLength();

    /** Dropout probability in training, in [0, 1). */
    double dropout();
}
