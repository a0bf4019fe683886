/**
 * Text built from recommendation data for language models: the pre-training corpus of item
 * descriptions and behaviour sentences ({@link org.tandemrec.prompt.BehaviourCorpus}).
 */
package org.tandemrec.prompt;
