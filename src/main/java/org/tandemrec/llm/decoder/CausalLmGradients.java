package org.tandemrec.llm.decoder;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.TensorConstants;

/**
 * Gradients of a decoder's causal-LM loss for one optimiser step over micro-batches (gradient
 * accumulation): each micro-batch's mean loss is weighted by its share of the step's loss
 * tokens, so the sum equals the mean of one big batch, and autograd's gradients are added into
 * the tensor {@link Parameter}s the decoder reads. No clipping and no update: the {@link
 * org.tandemrec.train.Trainer} and its optimiser do that.
 *
 * <p>The LM head runs only at the loss positions ({@link Head#LOSS_POSITIONS}, {@link
 * Decoder#causalLmLoss(NDManager, TrainBatch)}): an SFT answer is a token or two, so logits
 * [N, V] instead of [B, T, V]. A {@link Parameter.Kind#TENSOR} parameter gets autograd's
 * gradient of its tensor, restricted to its rows. A {@link Parameter.Kind#ROW_SPARSE_TENSOR}
 * parameter — ID-token rows of the embedding or of the LM head ({@link #tokenRowParameters},
 * {@link #allParameters(DecoderWeights, int)}) — gets gradients only for the rows of the ID
 * tokens in the step's micro-batches (their inputs, and for the head their inputs and labels),
 * each row its whole gradient from every micro-batch, read through small leaf tensors ({@link
 * VocabularyRows}), so no gradient of the whole table is formed. The head's softmax still covers
 * the whole vocabulary; the gradient it would give the ID rows not in the step's batches is
 * dropped — the lazy, row-sparse approximation of sparse embeddings and TensorFlow's LazyAdam,
 * which with a tied head applies to the head's use of those rows as well. The base rows of the
 * same matrix may train densely beside them (full fine-tuning).
 */
public final class CausalLmGradients {
    /** Where the LM head runs in a training pass. */
    public enum Head {
        /** Only at the positions whose next label counts: logits [N, V]. */
        LOSS_POSITIONS,
        /**
         * At every position, logits [B, T, V], through {@link Decoder#forward} and {@link
         * Decoder#causalLmLoss(NDManager, NDArray, int[][])}: the reference computation, kept to
         * compare against; row-sparse parameters need {@link #LOSS_POSITIONS}.
         */
        ALL_POSITIONS
    }

    private static final String EMBEDDING = "model.embed_tokens.weight";
    private static final String LM_HEAD = "lm_head.weight";

    private final Decoder decoder;
    private final Head head;
    private final List<Parameter> whole = new ArrayList<>();
    private final Split embedSplit;
    private final Split headSplit;

    /** {@code params} are tensor parameters over tensors {@code decoder} reads; the head at loss positions. */
    public CausalLmGradients(Decoder decoder, List<Parameter> params) {
        this(decoder, params, Head.LOSS_POSITIONS);
    }

    /** As {@link #CausalLmGradients(Decoder, List)} with the head where {@code head} says. */
    public CausalLmGradients(Decoder decoder, List<Parameter> params, Head head) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("no trainable parameters");
        }
        NDArray embedding = decoder.weights().get(EMBEDDING);
        NDArray lmHead = decoder.weights().lmHead();
        Parameter embedRows = null;
        Parameter headRows = null;
        for (Parameter p : params) {
            if (!p.isTensor()) {
                throw new IllegalArgumentException("parameter " + p.name() + " is not a native tensor");
            }
            if (p.kind() != Parameter.Kind.ROW_SPARSE_TENSOR) {
                continue;
            }
            if (head != Head.LOSS_POSITIONS) {
                throw new IllegalArgumentException("row-sparse parameter " + p.name() + " needs the LM head at the loss positions");
            }
            if (p.tensor() == embedding && embedRows == null) {
                embedRows = p;
            } else if (p.tensor() == lmHead && lmHead != embedding && headRows == null) {
                headRows = p;
            } else {
                throw new IllegalArgumentException("row-sparse parameter " + p.name()
                        + " must be the only one over the decoder's embedding or LM head");
            }
        }
        Parameter embedBase = null;
        Parameter headBase = null;
        for (Parameter p : params) {
            if (p.kind() != Parameter.Kind.TENSOR) {
                continue;
            }
            Parameter rows = embedRows != null && p.tensor() == embedding ? embedRows
                    : headRows != null && p.tensor() == lmHead ? headRows : null;
            if (rows == null) {
                whole.add(p);
            } else if (p.firstRow() != 0 || p.endRow() != rows.firstRow() || (rows == embedRows ? embedBase : headBase) != null) {
                throw new IllegalArgumentException("parameter " + p.name() + " (rows " + p.firstRow() + " to " + p.endRow()
                        + ") must hold the rows before row-sparse " + rows.name() + "'s first row " + rows.firstRow());
            } else if (rows == embedRows) {
                embedBase = p;
            } else {
                headBase = p;
            }
        }
        this.decoder = decoder;
        this.head = head;
        this.embedSplit = embedRows == null ? null : new Split(embedding, embedBase, embedRows, lmHead == embedding);
        this.headSplit = lmHead == embedding ? embedSplit : headRows == null ? null : new Split(lmHead, headBase, headRows, true);
    }

    /** Trainable LoRA matrices of {@code adapter} (by PEFT key). */
    public static List<Parameter> loraParameters(LoraAdapter adapter) {
        List<Parameter> out = new ArrayList<>();
        adapter.pairs().forEach((k, p) -> {
            out.add(Parameter.tensor(LoraAdapter.peftKey(k, true), p.a(), 0));
            out.add(Parameter.tensor(LoraAdapter.peftKey(k, false), p.b(), 0));
        });
        return out;
    }

    /** Every weight of a model (full fine-tuning, pre-training); the tensors must be writable, not a mapped load. */
    public static List<Parameter> allParameters(DecoderWeights weights) {
        List<Parameter> out = new ArrayList<>();
        weights.tensors().forEach((k, a) -> out.add(Parameter.tensor(k, a, 0)));
        return out;
    }

    /**
     * Every weight of a model whose vocabulary's rows from {@code firstIdRow} are ID tokens: the
     * embedding (and untied LM head) trains densely on rows [0, firstIdRow) — named with the
     * range, e.g. {@code model.embed_tokens.weight[0:2048]} — and row-sparse from
     * {@code firstIdRow} on under the tensor's own name, as {@link #tokenRowParameters} gives
     * them; the other weights as {@link #allParameters(DecoderWeights)}.
     */
    public static List<Parameter> allParameters(DecoderWeights weights, int firstIdRow) {
        int vocab = weights.config().vocabSize();
        if (firstIdRow <= 0 || firstIdRow >= vocab) {
            throw new IllegalArgumentException("firstIdRow must be in (0, " + vocab + "), got " + firstIdRow);
        }
        List<Parameter> out = new ArrayList<>();
        weights.tensors().forEach((k, a) -> {
            if (k.equals(EMBEDDING) || k.equals(LM_HEAD)) {
                out.add(Parameter.tensor(k + "[0:" + firstIdRow + "]", a, 0, firstIdRow));
                out.add(Parameter.rowSparseTensor(k, a, firstIdRow));
            } else {
                out.add(Parameter.tensor(k, a, 0));
            }
        });
        return out;
    }

    /** The embedding (and untied LM-head) rows from {@code firstRow}, row-sparse: the added ID tokens. */
    public static List<Parameter> tokenRowParameters(DecoderWeights weights, int firstRow) {
        List<Parameter> out = new ArrayList<>();
        out.add(Parameter.rowSparseTensor(EMBEDDING, weights.get(EMBEDDING), firstRow));
        if (!weights.config().tieWordEmbeddings()) {
            out.add(Parameter.rowSparseTensor(LM_HEAD, weights.get(LM_HEAD), firstRow));
        }
        return out;
    }

    /**
     * Adds the gradients of the step's mean loss over {@code microBatches} into the parameters'
     * gradients ({@link Parameter#addGrad}, {@link Parameter#addRowGrad}) and returns that loss.
     * Activations live in sub-managers of {@code manager}, closed micro-batch by micro-batch.
     */
    public float accumulate(NDManager manager, List<TrainBatch> microBatches) {
        if (microBatches.isEmpty()) {
            throw new IllegalArgumentException("a step needs at least one micro-batch");
        }
        int total = 0;
        for (TrainBatch b : microBatches) {
            total += b.lossTokens();
        }
        if (total == 0) {
            throw new IllegalArgumentException("no loss tokens in the step's micro-batches");
        }
        // The rows a step updates get their whole gradient from each of its micro-batches: a row
        // another micro-batch touches is read through a leaf here too.
        int[] embedTouched = embedSplit == null ? null : embedSplit.touched(microBatches);
        int[] headTouched = headSplit == null || headSplit == embedSplit ? null : headSplit.touched(microBatches);
        double lossSum = 0;
        for (TrainBatch b : microBatches) {
            int n = b.lossTokens();
            if (n == 0) {
                continue;
            }
            for (Parameter p : whole) {
                p.tensor().setRequiresGradient(true);
            }
            try (NDManager fm = manager.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                VocabularyRows embedRows = embedSplit == null ? null : embedSplit.open(fm, embedTouched);
                VocabularyRows headRows = headSplit == null ? null
                        : headSplit == embedSplit ? embedRows : headSplit.open(fm, headTouched);
                NDArray mean = head == Head.ALL_POSITIONS
                        ? Decoder.causalLmLoss(fm, decoder.forward(fm, b.ids(), b.mask(), b.positions(), null, false).logits(),
                                b.labels())
                        : decoder.causalLmLoss(fm, b, embedRows, headRows);
                NDArray loss = mean.mul(TensorConstants.scalar(fm, (float) n / total));
                gc.backward(loss);
                lossSum += loss.getFloat();
                for (Parameter p : whole) {
                    NDArray grad = p.tensor().getGradient();
                    boolean all = p.firstRow() == 0 && p.endRow() == grad.getShape().get(0);
                    // A copy: the slice of a few rows is a view of autograd's gradient, cleared next.
                    NDArray rows = all ? grad : grad.get(new NDIndex("{}:{}", p.firstRow(), p.endRow()));
                    p.addGrad(rows.duplicate());
                    if (rows != grad) {
                        rows.attach(fm);
                    }
                    // PyTorch adds the next backward's gradient to this one; a fill (unlike
                    // subtracting it from itself) also clears an infinite or NaN entry.
                    grad.set(new NDIndex("..."), 0f);
                    grad.attach(fm);
                }
                if (embedRows != null) {
                    embedSplit.collect(fm, embedRows);
                }
                if (headRows != null && headRows != embedRows) {
                    headSplit.collect(fm, headRows);
                }
            } finally {
                for (Parameter p : whole) {
                    p.tensor().setRequiresGradient(false);
                }
            }
        }
        return (float) lossSum;
    }

    /**
     * A vocabulary matrix whose rows from {@code rows.firstRow()} train row-sparse, with its base
     * rows trained densely by {@code base} or frozen (null); {@code head} when the LM head reads it
     * (its touched rows include the labels' ID tokens).
     */
    private record Split(NDArray matrix, Parameter base, Parameter rows, boolean head) {
        /** The distinct ids from the first trained row on in the inputs (and, for a head, the labels) of {@code batches}. */
        int[] touched(List<TrainBatch> batches) {
            int first = rows.firstRow();
            int[] touched = new int[16];
            int n = 0;
            for (TrainBatch b : batches) {
                for (int i = 0; i < b.ids().length; i++) {
                    int[] ids = b.ids()[i];
                    int[] labels = b.labels()[i];
                    for (int j = 0; j < ids.length; j++) {
                        for (int id : new int[] {ids[j], head ? labels[j] : -100}) {
                            if (id >= first) {
                                if (n == touched.length) {
                                    touched = Arrays.copyOf(touched, 2 * n);
                                }
                                touched[n++] = id;
                            }
                        }
                    }
                }
            }
            return Arrays.stream(touched, 0, n).distinct().toArray();
        }

        VocabularyRows open(NDManager m, int[] touched) {
            return VocabularyRows.open(m, matrix, rows.firstRow(), base != null, touched);
        }

        void collect(NDManager m, VocabularyRows r) {
            if (base != null && r.base().getGradient() != null) {
                NDArray g = r.base().getGradient();
                g.attach(m);
                base.addGrad(g.duplicate());
            }
            if (r.rows() != null) {
                NDArray g = r.rows().getGradient();
                g.attach(m);
                float[] values = g.toFloatArray();
                int[] ids = r.ids();
                int cols = rows.cols();
                for (int s = 0; s < ids.length; s++) {
                    rows.addRowGrad(ids[s] - rows.firstRow(), values, s * cols, 1f);
                }
            }
        }
    }
}
