package io.isthmus.kernels.gemm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DecisionTableTest {

    @Test
    void keepsTheFirstDecisionOfEachClassThroughGrowth() {
        DecisionTable table = new DecisionTable();
        assertEquals(DecisionTable.ABSENT, table.get(0));
        for (int key = 0; key < 1000; key++) {
            table.put(key * 1031 % ShapeClass.LIMIT, key % 3 == 0);
        }
        table.put(0, false); // already BLAS: stays so
        assertEquals(1000, table.size());
        for (int key = 0; key < 1000; key++) {
            assertEquals(key % 3 == 0 ? DecisionTable.BLAS : DecisionTable.SIMD, table.get(key * 1031 % ShapeClass.LIMIT));
        }
        assertEquals(DecisionTable.ABSENT, table.get(1));
        assertEquals(DecisionTable.ABSENT, table.get(ShapeClass.LIMIT - 1));
    }
}
