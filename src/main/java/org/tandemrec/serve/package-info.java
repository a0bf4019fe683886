/**
 * The CRM → LLM cascade over HTTP ({@link org.tandemrec.serve.CascadeServer}): scoring and
 * recommending, health, Prometheus metrics and an OpenAPI document; LLM prompts micro-batched
 * across requests ({@link org.tandemrec.serve.LlmBatcher}) within a queue and a share, falling
 * back to the CRM when the LLM is saturated ({@link org.tandemrec.serve.CascadeService}).
 */
package org.tandemrec.serve;
