package io.isthmus.kernels.gemm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapeClassTest {

    @Test
    void bucketsEachSizeByItsPowerOfTwo() {
        assertEquals(0, ShapeClass.log2(1));
        assertEquals(2, ShapeClass.log2(7));
        assertEquals(4, ShapeClass.log2(17));
        assertEquals(6, ShapeClass.log2(127));
        assertEquals(7, ShapeClass.log2(128));
        assertEquals(9, ShapeClass.log2(784));
        assertEquals(30, ShapeClass.log2(Integer.MAX_VALUE));
        // The MLP's x W^T at batch 128 and any product of the same buckets share a class...
        int xWt = ShapeClass.of(false, true, 128, 128, 784, 1);
        assertEquals(xWt, ShapeClass.of(false, true, 255, 200, 1023, 1));
        // ...but not across a power of two, a layout or a thread bucket.
        assertNotEquals(xWt, ShapeClass.of(false, true, 256, 128, 784, 1));
        assertNotEquals(xWt, ShapeClass.of(false, true, 128, 127, 784, 1));
        assertNotEquals(xWt, ShapeClass.of(false, true, 128, 128, 1024, 1));
        assertNotEquals(xWt, ShapeClass.of(false, false, 128, 128, 784, 1));
        assertNotEquals(xWt, ShapeClass.of(true, true, 128, 128, 784, 1));
        assertNotEquals(xWt, ShapeClass.of(false, true, 128, 128, 784, 2));
        assertNotEquals(ShapeClass.of(true, false, 5, 5, 5, 1), ShapeClass.of(false, true, 5, 5, 5, 1));
        // m, n and k are not interchangeable.
        assertNotEquals(ShapeClass.of(false, false, 128, 10, 128, 1), ShapeClass.of(false, false, 10, 128, 128, 1));
    }

    @Test
    void bucketsThreadCounts() {
        assertEquals(0, ShapeClass.threadBucket(1));
        assertEquals(1, ShapeClass.threadBucket(2));
        assertEquals(2, ShapeClass.threadBucket(3));
        assertEquals(2, ShapeClass.threadBucket(4));
        assertEquals(3, ShapeClass.threadBucket(5));
        assertEquals(3, ShapeClass.threadBucket(8));
        assertEquals(6, ShapeClass.threadBucket(64));
        assertEquals(7, ShapeClass.threadBucket(65));
        assertEquals(7, ShapeClass.threadBucket(10_000));
    }

    @Test
    void keysAreValidAndDescribeTheirClass() {
        int key = ShapeClass.of(false, true, 128, 128, 784, 2);
        assertTrue(key >= 0 && key < ShapeClass.LIMIT);
        assertTrue(ShapeClass.isValid(key));
        assertTrue(ShapeClass.isValid(ShapeClass.of(true, true, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, 999)));
        assertFalse(ShapeClass.isValid(-1));
        assertFalse(ShapeClass.isValid(ShapeClass.LIMIT));
        assertFalse(ShapeClass.isValid(31), "a k bucket of 31 cannot come from an int");
        assertEquals("NT 2 threads m 128-255 n 128-255 k 512-1023", ShapeClass.describe(key));
        assertEquals("TN 3-4 threads m 1-1 n 4-7 k 16-31", ShapeClass.describe(ShapeClass.of(true, false, 1, 7, 17, 4)));
    }
}
