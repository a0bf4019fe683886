/**
 * Text built from recommendation data for language models: the pre-training corpus of item
 * descriptions and behaviour sentences ({@link org.tandemrec.prompt.BehaviourCorpus}), and the
 * instruction prompts of the methods — BDLM's interaction-prediction and top-K prompts of its
 * Table 2 ({@link org.tandemrec.prompt.BdlmPrompts}) with its user and item tokens
 * ({@link org.tandemrec.prompt.IdTokens}) or text only ({@link org.tandemrec.prompt.PromptStyle}),
 * within a token budget ({@link org.tandemrec.prompt.PromptConfig},
 * {@link org.tandemrec.prompt.TokenCounter}: this package knows no tokenizer).
 */
package org.tandemrec.prompt;
