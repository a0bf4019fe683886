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
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SettingsFile.read(dir.resolve("none.yaml")))
                .getMessage().contains("not found"));
        ObjectNode y = SettingsFile.read(Files.writeString(dir.resolve("t.yaml"), "epochs: 2.5\nlr: fast\n"));
        assertEquals("epochs must be an integer, got 2.5",
                assertThrows(IllegalArgumentException.class, () -> SettingsFile.intValue(y.get("epochs"), "epochs")).getMessage());
        assertEquals("lr must be a number, got \"fast\"",
                assertThrows(IllegalArgumentException.class, () -> SettingsFile.doubleValue(y.get("lr"), "lr")).getMessage());
    }
}
