package io.isthmus.kernels.gemm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DecisionTableTest {

    @Test
    void keepsTheFirstDecisionOfEachClassThroughGrowth() {
        DecisionTable table = new DecisionTable();
        assertEquals(DecisionTable.ABSENT, table.get(0));
        for (int key = 0; key < 1000; key++) {
            table.put(key * 1031 % ShapeClass.LIMIT, key % 3 == 0, key % 5 == 0);
        }
        table.put(0, false, false); // already OpenBLAS and pending: stays so
        assertEquals(1000, table.size());
        for (int key = 0; key < 1000; key++) {
            int expected = (key % 3 == 0 ? DecisionTable.BLAS : 0) | (key % 5 == 0 ? DecisionTable.PENDING : 0);
            assertEquals(expected, table.get(key * 1031 % ShapeClass.LIMIT), "key " + key);
        }
        assertEquals(DecisionTable.ABSENT, table.get(1));
        assertEquals(DecisionTable.ABSENT, table.get(ShapeClass.LIMIT - 1));
    }

    @Test
    void clearingPendingKeepsTheBackend() {
        DecisionTable table = new DecisionTable();
        int key = ShapeClass.LIMIT - 1;
        table.put(key, true, true);
        table.put(7, false, true);
        assertEquals(DecisionTable.BLAS | DecisionTable.PENDING, table.get(key));
        table.clearPending(key);
        assertEquals(DecisionTable.BLAS, table.get(key));
        assertEquals(DecisionTable.PENDING, table.get(7), "other classes untouched");
        table.clearPending(12345); // absent: nothing happens
        assertEquals(DecisionTable.ABSENT, table.get(12345));
        assertEquals(2, table.size());
    }
}
