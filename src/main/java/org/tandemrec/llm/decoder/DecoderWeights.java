package org.tandemrec.llm.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.llm.safetensors.SafetensorsDtype;
import org.tandemrec.llm.safetensors.SafetensorsFormatException;
import org.tandemrec.llm.safetensors.SafetensorsReader;
import org.tandemrec.llm.safetensors.SafetensorsTensor;
import org.tandemrec.llm.safetensors.SafetensorsWriter;

/**
 * The float32 weights of a Llama-style decoder, keyed by their Hugging Face tensor names
 * ({@code model.layers.0.self_attn.q_proj.weight}, ...), so that loading, LoRA and saving all
 * speak the checkpoint's names. Immutable once built; owns the native memory (close it).
 * F32 tensors are wrapped around the memory-mapped file without a copy: they are read-only
 * ({@link #isReadOnly}), and a training step writing into them would crash the JVM, so training
 * works on a {@link #writableCopy} (which {@code SftTask} checks).
 */
public final class DecoderWeights implements AutoCloseable {
    private final LlamaConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> tensors;
    /** The tensors wrapped around the read-only mapped file, by identity. */
    private final Set<NDArray> readOnly;

    DecoderWeights(LlamaConfig config, NDManager manager, Map<String, NDArray> tensors) {
        this(config, manager, tensors, Set.of());
    }

    private DecoderWeights(LlamaConfig config, NDManager manager, Map<String, NDArray> tensors, Set<NDArray> readOnly) {
        this.config = config;
        this.manager = manager;
        this.tensors = Collections.unmodifiableMap(tensors);
        Set<NDArray> ro = Collections.newSetFromMap(new IdentityHashMap<>());
        ro.addAll(readOnly);
        this.readOnly = Collections.unmodifiableSet(ro);
    }

    /** Expected Hugging Face tensor names and shapes for {@code c}, in checkpoint order. */
    public static Map<String, long[]> expectedShapes(LlamaConfig c) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long h = c.hiddenSize();
        m.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            m.put(p + "input_layernorm.weight", new long[] {h});
            m.put(p + "self_attn.q_proj.weight", new long[] {c.queryDim(), h});
            m.put(p + "self_attn.k_proj.weight", new long[] {c.kvDim(), h});
            m.put(p + "self_attn.v_proj.weight", new long[] {c.kvDim(), h});
            if (c.attentionBias()) {
                m.put(p + "self_attn.q_proj.bias", new long[] {c.queryDim()});
                m.put(p + "self_attn.k_proj.bias", new long[] {c.kvDim()});
                m.put(p + "self_attn.v_proj.bias", new long[] {c.kvDim()});
            }
            m.put(p + "self_attn.o_proj.weight", new long[] {h, c.queryDim()});
            m.put(p + "post_attention_layernorm.weight", new long[] {h});
            m.put(p + "mlp.gate_proj.weight", new long[] {c.intermediateSize(), h});
            m.put(p + "mlp.up_proj.weight", new long[] {c.intermediateSize(), h});
            m.put(p + "mlp.down_proj.weight", new long[] {h, c.intermediateSize()});
        }
        m.put("model.norm.weight", new long[] {h});
        if (!c.tieWordEmbeddings()) {
            m.put("lm_head.weight", new long[] {c.vocabSize(), h});
        }
        return m;
    }

    /** Loads config.json and the safetensors of a checkpoint directory. */
    public static DecoderWeights load(Path dir, NDManager parent) throws IOException {
        LlamaConfig config = LlamaConfig.load(dir);
        SafetensorsReader reader = SafetensorsReader.open(dir);
        String v = reader.metadata().get("tandem_format_version");
        if (v != null && !v.equals(HfCheckpoint.VERSION)) {
            throw new SafetensorsFormatException(reader.source(), "tandem_format_version " + v
                    + " is not supported (this version reads " + HfCheckpoint.VERSION + ")");
        }
        checkTensors(config, reader);
        config.checkFits(AvailableMemory.now(), mappedBytes(config, reader), 0);
        checkFinite(config, reader);
        return load(config, reader, parent);
    }

    /**
     * Every weight the model uses is finite: one NaN or infinity turns every logit it reaches into
     * NaN, and training on it fails steps later far from the cause. The scan reads the stored bits
     * at about memory speed ({@link SafetensorsTensor#firstNonFinite}), small beside loading.
     */
    static void checkFinite(LlamaConfig config, SafetensorsReader reader) throws SafetensorsFormatException {
        for (String name : expectedShapes(config).keySet()) {
            SafetensorsTensor t = reader.tensor(name);
            long bad = t.firstNonFinite();
            if (bad >= 0) {
                ByteBuffer one = t.bytes().slice().position(Math.toIntExact(bad * t.dtype().bytes()))
                        .limit(Math.toIntExact((bad + 1) * t.dtype().bytes()));
                float value = new SafetensorsTensor(name, t.dtype(), new long[] {1}, one.slice()).toFloatArray()[0];
                throw new SafetensorsFormatException(reader.fileOf(name), "tensor " + name + " (" + t.dtype() + ") holds "
                        + value + " at element " + bad + " (a model's weights must be finite)");
            }
        }
    }

    /** Every tensor config.json implies is in the files with its shape: a bad file, not a bad command line. */
    private static void checkTensors(LlamaConfig config, SafetensorsReader reader) throws SafetensorsFormatException {
        // Layer by layer first: a config.json claiming billions of layers must not build billions of names.
        for (int l = 0; l < config.numLayers(); l++) {
            String norm = "model.layers." + l + ".input_layernorm.weight";
            if (!reader.contains(norm)) {
                throw new SafetensorsFormatException(reader.source(), "missing tensor " + norm + " that config.json implies"
                        + " (num_hidden_layers " + config.numLayers() + ")");
            }
        }
        for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
            if (!reader.contains(e.getKey())) {
                throw new SafetensorsFormatException(reader.source(), "missing tensor " + e.getKey()
                        + " that config.json implies");
            }
            long[] shape = reader.tensor(e.getKey()).shape();
            if (!Arrays.equals(shape, e.getValue())) {
                throw new SafetensorsFormatException(reader.source(), "tensor " + e.getKey() + " has shape "
                        + Arrays.toString(shape) + " but config.json implies " + Arrays.toString(e.getValue())
                        + " from its " + shapeFields(e.getKey()));
            }
        }
    }

    /** The config.json fields that give a tensor's shape, so a mismatch names what to compare. */
    private static String shapeFields(String tensor) {
        if (tensor.contains("embed_tokens") || tensor.startsWith("lm_head")) {
            return "vocab_size, hidden_size";
        }
        if (tensor.contains("q_proj")) {
            return "num_attention_heads × head_dim, hidden_size";
        }
        if (tensor.contains("k_proj") || tensor.contains("v_proj")) {
            return "num_key_value_heads × head_dim, hidden_size";
        }
        if (tensor.contains("o_proj")) {
            return "hidden_size, num_attention_heads × head_dim";
        }
        if (tensor.contains("down_proj")) {
            return "hidden_size, intermediate_size";
        }
        if (tensor.contains("gate_proj") || tensor.contains("up_proj")) {
            return "intermediate_size, hidden_size";
        }
        return "hidden_size";
    }

    /**
     * Bytes of the model's float32 tensors in {@code reader}: {@link #load} wraps them around the
     * memory-mapped file without copying (the other dtypes are widened into new memory).
     */
    public static long mappedBytes(LlamaConfig config, SafetensorsReader reader) {
        long n = 0;
        for (String name : expectedShapes(config).keySet()) {
            if (reader.contains(name) && reader.tensor(name).dtype() == SafetensorsDtype.F32) {
                n += reader.tensor(name).elementCount() * 4;
            }
        }
        return n;
    }

    /** Wraps the tensors of {@code reader}, checking every name and shape against {@code config}. */
    public static DecoderWeights load(LlamaConfig config, SafetensorsReader reader, NDManager parent) {
        NDManager m = parent.newSubManager();
        try {
            Map<String, NDArray> out = new LinkedHashMap<>();
            Set<NDArray> mapped = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
                SafetensorsTensor t = reader.tensor(e.getKey());
                if (!Arrays.equals(t.shape(), e.getValue())) {
                    throw new DataFormatException(reader.source(), "tensor " + e.getKey() + " has shape "
                            + Arrays.toString(t.shape()) + " but config.json implies " + Arrays.toString(e.getValue()));
                }
                java.nio.ByteBuffer values = t.toFloat32();
                NDArray a = m.create(values, new Shape(e.getValue()), DataType.FLOAT32);
                a.setName(e.getKey());
                out.put(e.getKey(), a);
                if (values.isReadOnly()) {
                    // float32 in the file: the tensor may be the mapped, read-only bytes themselves
                    mapped.add(a);
                }
            }
            return new DecoderWeights(config, m, out, mapped);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Random N(0, std²) weights (norm weights 1) for a config: benchmarks and from-scratch training. */
    public static DecoderWeights random(LlamaConfig config, long seed, float std, NDManager parent) {
        NDManager m = parent.newSubManager();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
            int n = Math.toIntExact(new Shape(e.getValue()).size());
            float[] v = new float[n];
            boolean norm = e.getKey().endsWith("norm.weight");
            for (int i = 0; i < n; i++) {
                v[i] = norm ? 1f : (float) (gaussian(rnd) * std);
            }
            NDArray a = m.create(v, new Shape(e.getValue()));
            a.setName(e.getKey());
            out.put(e.getKey(), a);
        }
        return new DecoderWeights(config, m, out);
    }

    private static double gaussian(java.util.SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    public LlamaConfig config() {
        return config;
    }

    /** The manager owning these weights. */
    public NDManager manager() {
        return manager;
    }

    /**
     * Whether {@code tensor} is one of these weights wrapped around the read-only memory-mapped
     * checkpoint ({@link #load}): it must not be written, so it must not train in place.
     */
    public boolean isReadOnly(NDArray tensor) {
        return readOnly.contains(tensor);
    }

    /** Whether any tensor is read-only ({@link #isReadOnly}). */
    public boolean hasReadOnlyTensors() {
        return !readOnly.isEmpty();
    }

    /**
     * The same weights in new, writable memory in a new scope of {@code parent} (the whole model
     * is copied: full fine-tuning and ID-token rows train such a copy).
     */
    public DecoderWeights writableCopy(NDManager parent) {
        return with(config, Map.of(), parent);
    }

    /** Tensors by Hugging Face name, in checkpoint order. */
    public Map<String, NDArray> tensors() {
        return tensors;
    }

    /** The named tensor; fails naming it when absent. */
    public NDArray get(String name) {
        NDArray a = tensors.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no weight named " + name);
        }
        return a;
    }

    /** The LM head: its own matrix, or the input embeddings when tied. [V, H] */
    public NDArray lmHead() {
        return config.tieWordEmbeddings() ? get("model.embed_tokens.weight") : get("lm_head.weight");
    }

    /**
     * Copies with tensors replaced (same names, same shapes unless the config changes); the
     * other tensors are duplicated so the result owns all its memory.
     */
    public DecoderWeights with(LlamaConfig newConfig, Map<String, float[]> replaced, NDManager parent) {
        NDManager m = parent.newSubManager();
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expectedShapes(newConfig).entrySet()) {
            float[] v = replaced.get(e.getKey());
            NDArray a = v != null ? m.create(v, new Shape(e.getValue())) : get(e.getKey()).duplicate();
            a.attach(m);
            if (!a.getShape().equals(new Shape(e.getValue()))) {
                m.close();
                throw new IllegalArgumentException("tensor " + e.getKey() + " has shape " + a.getShape()
                        + ", expected " + new Shape(e.getValue()));
            }
            a.setName(e.getKey());
            out.put(e.getKey(), a);
        }
        return new DecoderWeights(newConfig, m, out);
    }

    /**
     * Weights with the rows of token ids {@code firstId, firstId + 1, …} set to {@code embedRows}
     * (and, when untied, the LM head's to {@code lmHeadRows}): rows that exist (padding rows of
     * a padded vocabulary) are overwritten, the others appended, and {@code vocab_size} grows to
     * cover them. A writable copy in a new scope of {@code parent}.
     */
    public DecoderWeights withTokenRows(int firstId, float[][] embedRows, float[][] lmHeadRows, NDManager parent) {
        int h = config.hiddenSize();
        int vocab = config.vocabSize();
        if (firstId < 0 || firstId > vocab) {
            throw new IllegalArgumentException("firstId must be in [0, " + vocab + "], got " + firstId);
        }
        int newVocab = Math.max(vocab, firstId + embedRows.length);
        Map<String, float[]> repl = new LinkedHashMap<>();
        repl.put("model.embed_tokens.weight", placeRows(get("model.embed_tokens.weight"), firstId, embedRows, newVocab, h));
        if (!config.tieWordEmbeddings()) {
            if (lmHeadRows == null || lmHeadRows.length != embedRows.length) {
                throw new IllegalArgumentException("an untied LM head needs one row per added token, got "
                        + (lmHeadRows == null ? 0 : lmHeadRows.length) + " for " + embedRows.length);
            }
            repl.put("lm_head.weight", placeRows(get("lm_head.weight"), firstId, lmHeadRows, newVocab, h));
        }
        return with(config.withVocabSize(newVocab), repl, parent);
    }

    private static float[] placeRows(NDArray base, int firstId, float[][] rows, int newVocab, int h) {
        float[] out = Arrays.copyOf(base.toFloatArray(), newVocab * h);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != h) {
                throw new IllegalArgumentException("added row " + i + " has " + rows[i].length + " values, hidden_size is " + h);
            }
            System.arraycopy(rows[i], 0, out, (firstId + i) * h, h);
        }
        return out;
    }

    /** Tensors as safetensors writer input (copies to the Java heap). */
    public Map<String, SafetensorsWriter.Tensor> toSafetensors() {
        Map<String, SafetensorsWriter.Tensor> m = new LinkedHashMap<>();
        tensors.forEach((k, v) -> m.put(k, new SafetensorsWriter.Tensor(v.getShape().getShape(), v.toFloatArray())));
        return m;
    }

    @Override
    public void close() {
        manager.close();
    }
}
