package org.tandemrec.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsFileTest {
    @TempDir
    Path dir;

    @Test
    void readsYamlAndJsonWithTypedValues() throws Exception {
        Path yaml = Files.writeString(dir.resolve("s.yaml"), "epochs: 3\nlr: 0.5\nname: x\nseed: 12345678901\n");
        ObjectNode y = SettingsFile.read(yaml);
        assertEquals(3, SettingsFile.intValue(y.get("epochs"), "epochs"));
        assertEquals(0.5, SettingsFile.doubleValue(y.get("lr"), "lr"));
        assertEquals("x", SettingsFile.textValue(y.get("name"), "name"));
        assertEquals(12345678901L, SettingsFile.longValue(y.get("seed"), "seed"));
        Path json = Files.writeString(dir.resolve("s.json"), "{\"epochs\": 4}");
        assertEquals(4, SettingsFile.intValue(SettingsFile.read(json).get("epochs"), "epochs"));
        assertTrue(SettingsFile.read(Files.writeString(dir.resolve("empty.yaml"), "")).isEmpty());
    }

    @Test
    void errorsNameTheFileOrTheKey() throws Exception {
        Path list = Files.writeString(dir.resolve("l.yaml"), "- 1\n- 2\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SettingsFile.read(list)).getMessage()
                .contains("l.yaml: expected a mapping"));
        Path bad = Files.writeString(dir.resolve("b.json"), "{\"a\": ");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SettingsFile.read(bad)).getMessage()
                .contains("b.json: not valid JSON"));
        // A missing file is an I/O error (exit 1), not a bad setting.
        assertTrue(assertThrows(java.nio.file.NoSuchFileException.class, () -> SettingsFile.read(dir.resolve("none.yaml")))
                .getMessage().endsWith("none.yaml"));
        ObjectNode y = SettingsFile.read(Files.writeString(dir.resolve("t.yaml"), "epochs: 2.5\nlr: fast\n"));
        assertEquals("epochs must be an integer, got 2.5",
                assertThrows(IllegalArgumentException.class, () -> SettingsFile.intValue(y.get("epochs"), "epochs")).getMessage());
        assertEquals("lr must be a number, got \"fast\"",
                assertThrows(IllegalArgumentException.class, () -> SettingsFile.doubleValue(y.get("lr"), "lr")).getMessage());
    }

    @Test
    void locatedReadingKnowsTheLineOfEveryPath() throws Exception {
        Path f = Files.writeString(dir.resolve("e.yaml"), "a: 1\nlist:\n  - {x: 1}\n  - y: 2\n    z: [3, 4]\n");
        SettingsFile.Located l = SettingsFile.readLocated(f);
        assertEquals(1, l.lineOf("a"));
        assertEquals(3, l.lineOf("list[0].x"));
        assertEquals(4, l.lineOf("list[1]"));
        assertEquals(5, l.lineOf("list[1].z"));
        assertEquals(5, l.lineOf("list[1].z[1]"));
        assertEquals(4, l.lineOf("list[1].missing"), "an absent key: the line of its section");
        assertEquals(0, l.lineOf("other"));
    }

    @Test
    void problemsCollectsEveryBadKeyUnderItsPath() {
        ObjectNode given = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        given.put("epochs", "many").put("rate", -1).put("colour", "red").putObject("inner").put("deep", 0);
        java.util.List<String> p = SettingsFile.problems("models[1].settings", given, (where, v) -> {
            v.properties().forEach(e -> {
                switch (e.getKey()) {
                    case "epochs" -> SettingsFile.intValue(e.getValue(), "epochs");
                    case "rate" -> SettingsFile.requirePositive("rate", e.getValue().asInt());
                    case "inner" -> {
                        throw new IllegalArgumentException(where + ": inner: setting 'deep': deep must be > 0, got 0");
                    }
                    default -> throw new IllegalArgumentException(where + ": unknown setting '" + e.getKey() + "' (known: [..])");
                }
            });
        });
        assertEquals(java.util.List.of("models[1].settings.epochs: must be an integer, got \"many\"",
                "models[1].settings.rate: must be > 0, got -1",
                "models[1].settings.colour: unknown setting (known: [..])",
                "models[1].settings.inner.deep: must be > 0, got 0"), p);
        assertTrue(SettingsFile.problems("s", given.objectNode().put("epochs", 2), (w, v) -> {
        }).isEmpty());
        // each key passes alone, the two together do not: reported at the section's path
        assertEquals(java.util.List.of("s: epochs and rate disagree"), SettingsFile.problems("s",
                given.objectNode().put("epochs", 2).put("rate", 3), (w, v) -> {
                    if (v.size() == 2) {
                        throw new IllegalArgumentException(w + ": epochs and rate disagree");
                    }
                }));
    }
}
