package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tandemrec.collab.bdlm.BdlmSettings;
import org.tandemrec.collab.corella.CorellaSettings;
import org.tandemrec.crm.CrmCatalog;
import org.tandemrec.crm.CrmSpec;
import org.tandemrec.llm.sft.SftConfig;
import org.tandemrec.llm.sft.SftDataFile;
import org.tandemrec.serve.ServeSettings;

/**
 * The files under {@code examples/} pass the checks of the command that reads them, and the
 * repository files the README points to exist. {@code examples/MODEL.yaml} are {@code train crm
 * --config} settings of that model, {@code sft.yaml} is {@code llm sft --config}, {@code bdlm.yaml}
 * is {@code bdlm --config}, {@code corella.yaml} is {@code corella --config}, {@code synthetic.yaml} and
 * {@code ml-100k.yaml} are experiments of {@code tandem run}, {@code *.jsonl}
 * are {@code llm sft --data} files; any other file is an error, so none goes unchecked.
 */
class ExamplesTest {
    static final Path EXAMPLES = Path.of("examples");

    @Test
    void everyExampleFilePassesTheChecksOfItsCommand() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            files = s.sorted().toList();
        }
        assertFalse(files.isEmpty(), "no example files in " + EXAMPLES.toAbsolutePath());
        for (Path f : files) {
            String name = f.getFileName().toString();
            String stem = name.replaceFirst("\\.[^.]+$", "");
            if (name.endsWith(".yaml") && CrmCatalog.MODELS.contains(stem)) {
                assertEquals(stem, CrmSpec.load(stem, f).model(), name);
            } else if (name.equals("sft.yaml")) {
                SftConfig.load(f);
            } else if (name.equals("bdlm.yaml")) {
                BdlmSettings.load(f);
            } else if (name.equals("corella.yaml")) {
                CorellaSettings.load(f);
            } else if (name.equals("serve.yaml")) {
                assertEquals(ServeSettings.defaults(), ServeSettings.load(f), "serve.yaml spells out the defaults");
            } else if (name.equals("synthetic.yaml")) {
                assertEquals("synthetic", ExperimentFile.read(f).name());
            } else if (name.equals("ml-100k.yaml")) {
                // The data cannot ship: the file is checked where the data is (the test of tandem run says when not).
                if (Files.isDirectory(Path.of("../shared/data/ml-100k"))) {
                    assertEquals("ml-100k", ExperimentFile.read(f).name());
                }
            } else if (name.endsWith(".jsonl")) {
                assertFalse(SftDataFile.read(f).isEmpty(), name + " has no examples");
            } else {
                fail("no check for " + f + ": name it MODEL.yaml, sft.yaml, bdlm.yaml, corella.yaml, serve.yaml, an experiment"
                        + " or *.jsonl, or add its check here");
            }
        }
    }

    @Test
    void repositoryFilesTheReadmeNamesExist() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("(examples/[\\w.-]+|src/test/resources/fixtures/[\\w./-]*[\\w])").matcher(readme);
        TreeSet<String> named = new TreeSet<>();
        while (m.find()) {
            named.add(m.group(1));
        }
        assertTrue(named.stream().anyMatch(p -> p.startsWith("examples/")), "the README names no example: " + named);
        for (String p : named) {
            assertTrue(Files.exists(Path.of(p)), "README names " + p + ", which does not exist");
        }
    }
}
