/**
 * LoRA (Hu et al. 2021) in PEFT's file layout: adapters created, loaded
 * ({@code adapter_config.json}, {@code adapter_model.safetensors}), saved, and merged into the
 * base weights (W + alpha/r · B A).
 */
package org.tandemrec.llm.lora;
