package org.tandemrec.crm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CrmCatalogTest {
    @Test
    void sequenceModelsStartFirstAndEachGroupKeepsItsOrder() {
        assertArrayEquals(new int[] {2, 3, 4, 0, 1},
                CrmCatalog.longestFirst(List.of("gmf", "neumf", "sasrec", "gru4rec", "bert4rec")));
        assertArrayEquals(new int[] {0, 1, 2}, CrmCatalog.longestFirst(List.of("autoint", "xdeepfm", "fibinet")));
        assertArrayEquals(new int[] {}, CrmCatalog.longestFirst(List.of()));
    }
}
