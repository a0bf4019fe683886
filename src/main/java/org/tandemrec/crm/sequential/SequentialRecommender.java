package org.tandemrec.crm.sequential;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.tandemrec.crm.AutogradStep;
import org.tandemrec.crm.ModelFile;
import org.tandemrec.crm.Parameters;
import org.tandemrec.crm.RaggedRows;
import org.tandemrec.crm.Recommender;
import org.tandemrec.crm.RowMajor;
import org.tandemrec.crm.TensorFunctions;
import org.tandemrec.crm.WeightInit;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.split.SplitIdentity;
import org.tandemrec.split.UserItems;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;
import org.tandemrec.train.Trainer;
import org.tandemrec.train.TrainingTask;

/**
 * A trained sequential model (SASRec, GRU4Rec, BERT4Rec). Training: one example per user with at
 * least two interactions. By default (SASRec, GRU4Rec; BERT4Rec overrides it with its cloze task,
 * see {@link SequenceEncoder#trainingLoss}) the last L+1 items (time order) give L inputs and L
 * next-item targets; each
 * position's loss is the binary cross-entropy of the target against one uniformly sampled item
 * the user never interacted with (the SASRec paper's objective, Kang &amp; McAuley 2018, Sec. III-E),
 * averaged over non-padding positions; a batch is trimmed to its longest history, as padding never
 * reaches an item's state. The output layer shares the item table: r = F_t · M_i.
 *
 * <p>Scoring: the model keeps each user's last L training items; {@link #score}(u, i) is the
 * hidden state after that sequence dotted with item i's embedding, plus the encoder's output
 * bias of i if it has one (a ranking score). Users
 * without training items get the state of an all-padding sequence. Shapes: U users, I items,
 * d hidden size, B batch.
 */
public final class SequentialRecommender implements Recommender {
    private static final int CHUNK = 512;

    private final SequenceEncoder<?> encoder;
    private final int numUsers;
    private final int numItems;
    private final int[][] sequences;
    private final ParameterSet params;
    private final float[] userStates;

    SequentialRecommender(SequenceEncoder<?> encoder, int numUsers, int numItems, int[][] sequences, ParameterSet params) {
        this.encoder = encoder;
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.sequences = sequences;
        this.params = params;
        this.userStates = finalStates();
    }

    static SequentialRecommender fit(SequenceEncoder<?> encoder, InteractionTable train, TrainConfig trainConfig,
                                     TrainHooks hooks, ToDoubleFunction<Recommender> validate) {
        int[][] full = train.latestItemsByUser(Integer.MAX_VALUE);
        SplittableRandom init = new SplittableRandom(trainConfig.seed());
        ParameterSet params = initialise(encoder, train.numItems(), init);
        Task task = new Task(encoder, train.numItems(), full, UserItems.of(train), params);
        int[][] kept = train.latestItemsByUser(encoder.maxLength());
        TrainHooks h = validate == null ? hooks : hooks.withValidation(epoch -> validate.applyAsDouble(
                new SequentialRecommender(encoder, train.numUsers(), train.numItems(), kept, params)));
        new Trainer(trainConfig).fit(task, h);
        return new SequentialRecommender(encoder, train.numUsers(), train.numItems(), kept, Parameters.copy(params));
    }

    static ParameterSet initialise(SequenceEncoder<?> encoder, int numItems, SplittableRandom r) {
        int d = encoder.dim();
        int rows = numItems + 1 + encoder.extraTokens();
        float[] items = WeightInit.normal(rows * d, 1.0 / Math.sqrt(d), r);
        Arrays.fill(items, 0, d, 0f);
        List<Parameter> ps = new ArrayList<>();
        ps.add(Parameter.table("item_emb", rows, d, items));
        ps.addAll(encoder.initialise(r));
        return new ParameterSet(ps);
    }

    /** Left-pads the last L items of each sequence as ids item+1 (0 = padding); B × L row-major. */
    static int[] padded(int[][] seqs, int length) {
        int[] ids = new int[seqs.length * length];
        for (int b = 0; b < seqs.length; b++) {
            int[] s = seqs[b];
            int n = Math.min(length, s.length);
            for (int k = 0; k < n; k++) {
                ids[b * length + length - n + k] = s[s.length - n + k] + 1;
            }
        }
        return ids;
    }

    /**
     * Each user's state after their kept sequence. Users go through in chunks of similar length,
     * each chunk trimmed to its longest: padding never reaches a state, so these are the states
     * of the full width (and a user without items gets the all-padding state at any width).
     */
    private float[] finalStates() {
        int d = encoder.dim();
        float[] out = new float[numUsers * d];
        int[] order = IntStream.range(0, numUsers).boxed().sorted(Comparator.comparingInt(u -> sequences[u].length))
                .mapToInt(Integer::intValue).toArray();
        for (int from = 0; from < numUsers; from += CHUNK) {
            int to = Math.min(numUsers, from + CHUNK);
            int[][] chunk = new int[to - from][];
            for (int k = from; k < to; k++) {
                chunk[k - from] = sequences[order[k]];
            }
            float[] states = lastStates(chunk, encoder.scoringWidth(chunk));
            for (int k = from; k < to; k++) {
                System.arraycopy(states, (k - from) * d, out, order[k] * d, d);
            }
        }
        return out;
    }

    /** The last hidden state (B × d) of each of {@code chunk}'s scoring ids at {@code width}. */
    private float[] lastStates(int[][] chunk, int width) {
        try (AutogradStep s = AutogradStep.inference()) {
            NDArray h = encoder.hidden(s, params, encoder.scoringIds(chunk, width), chunk.length, Dropout.NONE);
            return h.get(":, -1, :").toFloatArray();
        }
    }

    private static final class Task implements TrainingTask {
        private final SequenceEncoder<?> encoder;
        private final int numItems;
        private final int[][] sequences;
        private final UserItems seen;
        private final int[] users;
        private final ParameterSet params;

        Task(SequenceEncoder<?> encoder, int numItems, int[][] sequences, UserItems seen, ParameterSet params) {
            this.encoder = encoder;
            this.numItems = numItems;
            this.sequences = sequences;
            this.seen = seen;
            this.params = params;
            this.users = IntStream.range(0, sequences.length)
                    .filter(u -> sequences[u].length >= 2).toArray();
        }

        @Override public String modelName() { return encoder.kind(); }
        @Override public String configFingerprint() {
            return encoder.config() + " items=" + numItems + " users=" + sequences.length + " n=" + users.length;
        }
        @Override public ParameterSet parameters() { return params; }
        @Override public int numExamples() { return users.length; }

        @Override
        public double trainBatch(int[] batch, long step, SplittableRandom random) {
            int[][] seqs = new int[batch.length][];
            int[] owner = new int[batch.length];
            for (int k = 0; k < batch.length; k++) {
                owner[k] = users[batch[k]];
                int[] s = sequences[owner[k]];
                seqs[k] = Arrays.copyOfRange(s, Math.max(0, s.length - encoder.maxLength() - 1), s.length);
            }
            try (AutogradStep s = AutogradStep.training()) {
                return s.backward(encoder.trainingLoss(s, params, seqs, (k, r) -> sampleUnseen(owner[k], r), random));
            }
        }

        /**
         * Draws until the item is unseen, so the negative is exactly uniform over the unseen
         * items (the bounded {@link UserItems#sampleNegative} may keep a seen item for a user who
         * has seen nearly everything).
         */
        private int sampleUnseen(int u, SplittableRandom random) {
            if (seen.count(u) >= numItems) {
                return random.nextInt(numItems);
            }
            while (true) {
                int j = random.nextInt(numItems);
                if (!seen.contains(u, j)) {
                    return j;
                }
            }
        }
    }

    /** Draws an item the k-th sequence of a batch has not seen. */
    @FunctionalInterface
    public interface Negatives {
        int sample(int k, SplittableRandom random);
    }

    /**
     * Next-item BCE: inputs are each sequence without its last item, targets the items after
     * each input position, one sampled negative per position; the mean over real positions. The
     * batch is trimmed to its longest input.
     */
    static NDArray nextItemLoss(SequenceEncoder<?> encoder, AutogradStep s, ParameterSet params, int[][] sequences,
                                Negatives negatives, SplittableRandom random) {
        int b = sequences.length;
        int l = encoder.trimmedWidth(sequences, 1);
        int[][] inputs = new int[b][];
        int[] targets = new int[b * l];
        int[] negs = new int[b * l];
        float[] mask = new float[b * l];
        float count = 0;
        for (int k = 0; k < b; k++) {
            int[] seq = sequences[k];
            int n = Math.min(l, seq.length - 1);
            inputs[k] = Arrays.copyOfRange(seq, seq.length - 1 - n, seq.length - 1);
            for (int t = 0; t < n; t++) {
                int pos = k * l + l - n + t;
                targets[pos] = seq[seq.length - n + t] + 1;
                negs[pos] = negatives.sample(k, random) + 1;
                mask[pos] = 1f;
                count++;
            }
        }
        NDArray h = encoder.hidden(s, params, padded(inputs, l), b, new Dropout(encoder.dropout(), random));
        Parameter items = params.get("item_emb");
        NDArray pos = h.mul(s.rows(items, targets, new Shape(b, l)).lookup()).sum(new int[] {2});
        NDArray neg = h.mul(s.rows(items, negs, new Shape(b, l)).lookup()).sum(new int[] {2});
        NDArray m = s.constant(mask, new Shape(b, l));
        // −log σ(pos) − log(1 − σ(neg)) = softplus(−pos) + softplus(neg).
        return TensorFunctions.softplus(pos.neg()).add(TensorFunctions.softplus(neg)).mul(m).sum()
                .mul(s.scalar(1f / Math.max(count, 1f)));
    }

    @Override public String kind() { return encoder.kind(); }
    @Override public int numUsers() { return numUsers; }
    @Override public int numItems() { return numItems; }
    @Override public ScoreKind scoreKind() { return ScoreKind.RANKING; }

    @Override
    public float[] score(int[] users, int[] items) {
        Recommender.checkPairs(this, users, items);
        int d = encoder.dim();
        float[] table = params.get("item_emb").value();
        float[] bias = encoder.outputBias() == null ? null : params.get(encoder.outputBias()).value();
        float[] out = new float[users.length];
        for (int k = 0; k < users.length; k++) {
            float s = bias == null ? 0 : bias[items[k]];
            int uo = users[k] * d;
            int io = (items[k] + 1) * d;
            for (int c = 0; c < d; c++) {
                s += userStates[uo + c] * table[io + c];
            }
            out[k] = s;
        }
        return out;
    }

    /** The hidden state after each user's stored sequence (U × d). */
    @Override
    public float[][] userEmbeddings() {
        return RowMajor.rows(userStates, 0, numUsers, encoder.dim());
    }

    /** The item embeddings (I × d; the padding row is left out). */
    @Override
    public float[][] itemEmbeddings() {
        return RowMajor.rows(params.get("item_emb").value(), 1, numItems, encoder.dim());
    }

    /** The stored sequence of user u (item ids, oldest first). */
    public int[] sequence(int user) {
        return sequences[user].clone();
    }

    /** {@code user_embedding} (sequence state) and {@code item_embedding} (B × d), {@code score} (B × 1). */
    @Override
    public Map<String, NDArray> intermediates(NDManager manager, int[] users, int[] items) {
        float[] s = score(users, items);
        int d = encoder.dim();
        float[] ue = new float[users.length * d];
        float[] ie = new float[users.length * d];
        float[] table = params.get("item_emb").value();
        for (int k = 0; k < users.length; k++) {
            System.arraycopy(userStates, users[k] * d, ue, k * d, d);
            System.arraycopy(table, (items[k] + 1) * d, ie, k * d, d);
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("user_embedding", manager.create(ue, new Shape(users.length, d)));
        out.put("item_embedding", manager.create(ie, new Shape(users.length, d)));
        out.put("score", manager.create(s, new Shape(users.length, 1)));
        return out;
    }

    @Override
    public void save(Path file, Optional<SplitIdentity> trainedOn) {
        Map<String, ModelFile.Tensor> t = ModelFile.tensors(params);
        t.put("user_sequences", RaggedRows.toTensor(sequences));
        ModelFile.write(file, encoder.kind(), trainedOn, encoder.fileConfig(numUsers, numItems), t);
    }

    /** Makes the encoder of a model file's settings (BERT4Rec's also needs the item count). */
    @FunctionalInterface
    interface EncoderFactory<C extends SequenceConfig> {
        SequenceEncoder<C> create(C config, int numItems);
    }

    /**
     * Rebuilds a model from the contents of its file, whose config is a {@link SequenceLayout} of
     * {@code configType}.
     */
    static <C extends SequenceConfig> SequentialRecommender load(Path file, ModelFile.Contents c, Class<C> configType,
                                                                 EncoderFactory<C> factory) {
        SequenceLayout<C> layout = c.config(file, SequenceLayout.class, configType);
        int numUsers = layout.numUsers();
        int numItems = layout.numItems();
        SequenceEncoder<C> encoder = factory.create(layout.config(), numItems);
        ParameterSet params = c.parameters(file, initialise(encoder, numItems, new SplittableRandom(0)));
        int[][] seqs = RaggedRows.fromTensor(c.tensor(file, "user_sequences", numUsers, -1));
        return new SequentialRecommender(encoder, numUsers, numItems, seqs, params);
    }
}
