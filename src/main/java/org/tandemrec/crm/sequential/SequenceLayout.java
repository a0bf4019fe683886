package org.tandemrec.crm.sequential;

/**
 * The config a sequential model's file records: its settings and the index sizes.
 *
 * @param config    the model's settings (e.g. {@link SasRecConfig})
 * @param numUsers  users U
 * @param numItems  items I
 */
public record SequenceLayout<C extends SequenceConfig>(C config, int numUsers, int numItems) {
}
