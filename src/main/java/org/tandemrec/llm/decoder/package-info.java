/**
 * The decoder: Hugging Face {@code config.json} ({@link org.tandemrec.llm.decoder.LlamaConfig},
 * RoPE scaling), the weights ({@link org.tandemrec.llm.decoder.DecoderWeights}, loaded from
 * safetensors and checked against the config), the forward pass of Llama, Mistral and Qwen2
 * ({@link org.tandemrec.llm.decoder.Decoder}: attention with rotary positions and grouped
 * query heads, the gated MLP, optional LoRA deltas), the per-request KV cache, left-padded
 * batches, and the causal-LM loss gradients that training hands to the shared trainer
 * ({@link org.tandemrec.llm.decoder.CausalLmGradients}). Shapes use B batch, T tokens, S attended
 * positions, H hidden, N query heads, K key/value heads, D head dimension, V vocabulary.
 */
package org.tandemrec.llm.decoder;
