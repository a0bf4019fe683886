package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.format.DatasetFormat;
import org.tandemrec.data.format.LoadOptions;
import org.tandemrec.data.synthetic.SyntheticTruth;
import org.tandemrec.data.synthetic.SyntheticWorld;
import picocli.CommandLine;

class DataSynthCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesAWorldTheLoaderReadsBackWithItsTruth() throws Exception {
        Path dir = tmp.resolve("world");
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        int code = cl.execute("data", "synth", "--out", dir.toString(), "--seed", "7", "--users", "400", "--items", "300");
        assertEquals(0, code);
        assertTrue(out.toString().contains("400 users, 300 items"), out.toString());

        Dataset loaded = DatasetFormat.parse("tandem").load(dir, LoadOptions.defaults());
        SyntheticWorld expected = SyntheticWorld.generate(DataSynthCommand.configFor(7, 400, 300, null));
        Dataset d = expected.dataset();
        assertEquals(d.interactions().size(), loaded.interactions().size());
        for (int r = 0; r < d.interactions().size(); r += 97) {
            assertEquals(d.users().raw(d.interactions().user(r)), loaded.users().raw(loaded.interactions().user(r)));
            assertEquals(d.items().raw(d.interactions().item(r)), loaded.items().raw(loaded.interactions().item(r)));
            assertEquals(d.interactions().value(r), loaded.interactions().value(r));
        }
        SyntheticTruth truth = SyntheticTruth.load(dir.resolve(SyntheticTruth.FILE_NAME));
        assertEquals(expected.truth().probability(3, 5), truth.probability(3, 5), 0.0);
    }

    @Test
    void invalidSizeIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("data", "synth", "--out", tmp.resolve("x").toString(), "--users", "0");
        assertEquals(2, code);
        assertTrue(err.toString().contains("users"), err.toString());
    }
}
