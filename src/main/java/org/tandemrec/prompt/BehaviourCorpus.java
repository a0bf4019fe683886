package org.tandemrec.prompt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.LabelRule;

/**
 * The text a small LLM is pre-trained on before it meets recommendation prompts: one document
 * per item ("title. Categories: …. description") and, per user, behaviour sentences over their
 * history in time order ("A user watched: A; B; C. They liked A and C. They did not like B.").
 * Items seen in the behaviour sentences are named by title, so the model learns which titles go
 * together and how titles relate to the topics the descriptions state.
 */
public final class BehaviourCorpus {
    private final int itemsPerSentence;

    /** @param itemsPerSentence history items per behaviour document (> 0), so documents fit a short context */
    public BehaviourCorpus(int itemsPerSentence) {
        if (itemsPerSentence <= 0) {
            throw new UsageException("itemsPerSentence must be > 0, got " + itemsPerSentence);
        }
        this.itemsPerSentence = itemsPerSentence;
    }

    /**
     * The documents of a data set, items first, then users in index order.
     *
     * @param rule what counts as liked; implicit feedback gives no liked / not liked sentences
     */
    public List<String> documents(Dataset d, LabelRule rule) {
        List<String> docs = new ArrayList<>();
        for (ItemInfo info : d.itemInfo()) {
            String text = itemDocument(info);
            if (!text.isEmpty()) {
                docs.add(text);
            }
        }
        InteractionTable t = d.interactions();
        List<List<Integer>> rowsByUser = new ArrayList<>();
        for (int u = 0; u < d.numUsers(); u++) {
            rowsByUser.add(new ArrayList<>());
        }
        for (int row : t.timeOrder()) {
            rowsByUser.get(t.user(row)).add(row);
        }
        for (List<Integer> rows : rowsByUser) {
            for (int start = 0; start < rows.size(); start += itemsPerSentence) {
                List<Integer> chunk = rows.subList(start, Math.min(rows.size(), start + itemsPerSentence));
                docs.add(behaviourDocument(d, chunk, rule));
            }
        }
        return docs;
    }

    /** Writes the documents one per line (line breaks inside a document become spaces), atomically. */
    public void write(Dataset d, LabelRule rule, Path file) throws IOException {
        List<String> docs = documents(d, rule);
        AtomicFile.write(file, out -> {
            for (String doc : docs) {
                out.write(doc.replace('\n', ' ').replace('\r', ' ').getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        });
    }

    static String itemDocument(ItemInfo info) {
        StringBuilder sb = new StringBuilder(info.title());
        if (!info.categories().isEmpty()) {
            sb.append(sb.length() > 0 ? ". " : "").append("Categories: ").append(String.join(", ", info.categories()));
        }
        if (!info.description().isEmpty()) {
            sb.append(sb.length() > 0 ? ". " : "").append(info.description());
        }
        return sb.toString();
    }

    private static String behaviourDocument(Dataset d, List<Integer> rows, LabelRule rule) {
        InteractionTable t = d.interactions();
        List<String> all = new ArrayList<>();
        List<String> liked = new ArrayList<>();
        List<String> disliked = new ArrayList<>();
        for (int row : rows) {
            String title = title(d, t.item(row));
            all.add(title);
            if (!rule.implicit()) {
                (rule.label(t.value(row)) > 0 ? liked : disliked).add(title);
            }
        }
        StringBuilder sb = new StringBuilder("A user watched: ").append(String.join("; ", all)).append('.');
        if (!liked.isEmpty()) {
            sb.append(" They liked ").append(String.join("; ", liked)).append('.');
        }
        if (!disliked.isEmpty()) {
            sb.append(" They did not like ").append(String.join("; ", disliked)).append('.');
        }
        return sb.toString();
    }

    private static String title(Dataset d, int item) {
        String title = d.itemInfo().get(item).title();
        return title.isEmpty() ? "item " + d.items().raw(item) : title;
    }
}
