/**
 * The safetensors format: memory-mapped reading of single and sharded files (F32 used in
 * place, F16/BF16 widened to float32; regions over 2 GiB mapped in parts) with every header
 * field checked, and writing (metadata keys sorted, so equal content gives equal files).
 */
package org.tandemrec.llm.safetensors;
