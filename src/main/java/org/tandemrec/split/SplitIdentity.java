package org.tandemrec.split;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.IdMap;

/**
 * Which split a model was trained on, as a model's run records it: the SHA-256 of the split's
 * {@code manifest.json} (which holds every file's checksum, so it names the split exactly) and
 * the SHA-256 of its id maps (every user's and item's raw id in index order), which says what
 * the model's rows mean. Two splits of the same data share the id maps whatever their protocol,
 * seed or candidates, so a model may be scored on either; a split of other data may not.
 *
 * @param manifestSha256 SHA-256 hex of the split's manifest.json
 * @param idsSha256 SHA-256 hex of the users' then the items' raw ids ({@link #idsSha256(SplitData)})
 */
public record SplitIdentity(String manifestSha256, String idsSha256) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public SplitIdentity {
        Objects.requireNonNull(manifestSha256, "manifestSha256");
        Objects.requireNonNull(idsSha256, "idsSha256");
    }

    /** A file recording a split identity beside what was made for that split (an LLM's ID tokens). */
    public static final String FILE_FORMAT = "tandem-split-identity";

    /** Writes this identity to {@code file} (JSON: format, version, both hashes), atomically. */
    public void write(Path file) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FILE_FORMAT);
        n.put("version", 1);
        n.put("split_manifest_sha256", manifestSha256);
        n.put("split_ids_sha256", idsSha256);
        AtomicFile.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
    }

    /** Reads a file {@link #write} wrote; another format, version or a missing hash is refused naming the file. */
    public static SplitIdentity read(Path file) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new DataFormatException(file, "not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !FILE_FORMAT.equals(n.path("format").asText()) || n.path("version").asInt() != 1) {
            throw new DataFormatException(file, "not a " + FILE_FORMAT + " file of version 1");
        }
        String[] hashes = new String[2];
        String[] keys = {"split_manifest_sha256", "split_ids_sha256"};
        for (int k = 0; k < 2; k++) {
            hashes[k] = n.path(keys[k]).asText();
            if (!hashes[k].matches("[0-9a-f]{64}")) {
                throw new DataFormatException(file, 1, keys[k], "not a SHA-256 hex digest");
            }
        }
        return new SplitIdentity(hashes[0], hashes[1]);
    }

    /** The first 12 hex digits of a hash (all of a shorter text), as messages quote it before "…". */
    public static String shortHash(String hex) {
        return hex.substring(0, Math.min(12, hex.length()));
    }

    /** The identity of the split read from {@code dir}. */
    public static SplitIdentity of(Path dir, SplitData split) throws IOException {
        return new SplitIdentity(SplitDirectory.sha256(dir.resolve(SplitManifest.FILE_NAME)), idsSha256(split));
    }

    /**
     * SHA-256 of the id maps: the count of users, each user's raw id (UTF-8, length-prefixed so no
     * id can run into the next), then the same for the items.
     */
    public static String idsSha256(SplitData split) {
        return idsSha256(split.users(), split.items());
    }

    /** {@link #idsSha256(SplitData)} of the id maps themselves. */
    public static String idsSha256(IdMap users, IdMap items) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            digest(md, users);
            digest(md, items);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void digest(MessageDigest md, IdMap ids) {
        md.update(ByteBuffer.allocate(4).putInt(ids.size()).array());
        for (String id : ids.rawIds()) {
            byte[] b = id.getBytes(StandardCharsets.UTF_8);
            md.update(ByteBuffer.allocate(4).putInt(b.length).array());
            md.update(b);
        }
    }
}
