package io.isthmus.optim;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LrScheduleTest {

    private static final double TOLERANCE = 1e-12;

    private static SGD sgd(double lr) {
        return new SGD(List.of(Tensor.zeros(1).requiresGrad(true)), lr);
    }

    @Test
    void stepLRDecaysEveryStepSizeSteps() {
        StepLR schedule = new StepLR(2, 0.5);
        double[] expected = {1, 1, 0.5, 0.5, 0.25, 0.25, 0.125};
        for (int step = 0; step < expected.length; step++) {
            assertEquals(0.4 * expected[step], schedule.lr(step, 0.4), TOLERANCE, "step " + step);
        }
    }

    @Test
    void cosineAnnealingEndpointsAndMidpoint() {
        CosineAnnealingLR schedule = new CosineAnnealingLR(10, 0.1);
        assertEquals(1.0, schedule.lr(0, 1.0), TOLERANCE);
        assertEquals(0.55, schedule.lr(5, 1.0), TOLERANCE);
        assertEquals(0.1, schedule.lr(10, 1.0), TOLERANCE);
        // a quarter of the way: etaMin + (base - etaMin) (1 + cos(pi/4)) / 2
        assertEquals(0.1 + 0.9 * (1 + Math.sqrt(0.5)) / 2, new CosineAnnealingLR(4, 0.1).lr(1, 1.0), TOLERANCE);
        // past tMax the closed form rises again, as PyTorch's
        assertEquals(schedule.lr(8, 1.0), schedule.lr(12, 1.0), TOLERANCE);
    }

    @Test
    void linearWarmupRampsThenDelegatesFromStepZero() {
        LinearWarmup schedule = new LinearWarmup(4, new CosineAnnealingLR(8));
        double[] ramp = {0.1, 0.2, 0.3, 0.4};
        for (int step = 0; step < 4; step++) {
            assertEquals(ramp[step], schedule.lr(step, 0.4), TOLERANCE, "warmup step " + step);
        }
        assertEquals(0.4, schedule.lr(4, 0.4), TOLERANCE);
        assertEquals(0.2, schedule.lr(8, 0.4), TOLERANCE);
        assertEquals(0.0, schedule.lr(12, 0.4), TOLERANCE);
        assertEquals(0.4, new LinearWarmup(3).lr(100, 0.4), TOLERANCE);
        assertEquals(0.3, new LinearWarmup(0, new StepLR(1, 0.5)).lr(1, 0.6), TOLERANCE);
    }

    @Test
    void schedulerSetsStepZeroAtOnceAndAdvancesOnItsInterval() {
        SGD optimizer = sgd(0.8);
        LrScheduler perBatch = new LrScheduler(optimizer, new LinearWarmup(4), LrScheduler.Interval.BATCH);
        assertEquals(0.2, optimizer.lr(), 1e-7);
        perBatch.onEpochEnd();
        assertEquals(0, perBatch.stepCount());
        perBatch.onBatchEnd();
        perBatch.onBatchEnd();
        assertEquals(2, perBatch.stepCount());
        assertEquals(0.6, optimizer.lr(), 1e-7);

        SGD other = sgd(1.0);
        LrScheduler perEpoch = new LrScheduler(other, new StepLR(1, 0.1));
        perEpoch.onBatchEnd();
        assertEquals(1.0, other.lr(), TOLERANCE);
        perEpoch.onEpochEnd();
        assertEquals(0.1, other.lr(), 1e-9);
    }

    @Test
    void schedulerStateDictRestoresTheStepAndBaseRate() {
        SGD optimizer = sgd(0.3);
        LrSchedule schedule = new LinearWarmup(3, new CosineAnnealingLR(10, 0.01));
        LrScheduler scheduler = new LrScheduler(optimizer, schedule);
        for (int i = 0; i < 5; i++) {
            scheduler.step();
        }
        Map<String, Tensor> saved = scheduler.stateDict();
        double[] expected = new double[4];
        for (int i = 0; i < expected.length; i++) {
            scheduler.step();
            expected[i] = optimizer.lr();
        }

        SGD fresh = sgd(99);
        LrScheduler resumed = new LrScheduler(fresh, schedule);
        resumed.loadStateDict(saved);
        assertEquals(5, resumed.stepCount());
        assertEquals(scheduler.baseLr(), resumed.baseLr());
        for (double lr : expected) {
            resumed.step();
            assertEquals(lr, fresh.lr());
        }
        assertThrows(IllegalArgumentException.class, () -> resumed.loadStateDict(Map.of("step", Tensor.scalar(1.5f),
                "base_lr", Tensor.scalar(0.1f))));
        assertThrows(IllegalArgumentException.class, () -> resumed.loadStateDict(Map.of("step", Tensor.scalar(1))));
    }

    /** As PyTorch: each group keeps its own base rate and the schedule multiplies each. */
    @Test
    void schedulerScalesEveryGroupFromItsOwnBaseRate() {
        SGD optimizer = new SGD(List.of(ParamGroup.of(List.of(Tensor.zeros(1).requiresGrad(true))),
                ParamGroup.of(List.of(Tensor.zeros(1).requiresGrad(true))).lr(0.25)), 1.0);
        LrScheduler scheduler = new LrScheduler(optimizer, new LinearWarmup(2, new StepLR(1, 0.5)));
        assertEquals(0.5, optimizer.lr(0), TOLERANCE);
        assertEquals(0.125, optimizer.lr(1), TOLERANCE);
        scheduler.step();
        scheduler.step();
        scheduler.step();
        assertEquals(0.5, optimizer.lr(0), TOLERANCE);
        assertEquals(0.125, optimizer.lr(1), TOLERANCE);
        assertEquals(0.25, scheduler.baseLr(1));

        Map<String, Tensor> saved = scheduler.stateDict();
        assertArrayEquals(new int[]{2}, saved.get("base_lr").shape());
        SGD fresh = new SGD(List.of(ParamGroup.of(List.of(Tensor.zeros(1).requiresGrad(true))),
                ParamGroup.of(List.of(Tensor.zeros(1).requiresGrad(true)))), 7);
        LrScheduler resumed = new LrScheduler(fresh, new LinearWarmup(2, new StepLR(1, 0.5)));
        resumed.loadStateDict(saved);
        scheduler.step();
        resumed.step();
        assertEquals(optimizer.lr(0), fresh.lr(0));
        assertEquals(optimizer.lr(1), fresh.lr(1));
        assertEquals(0.0625, fresh.lr(1), TOLERANCE);

        String count = assertThrows(IllegalArgumentException.class,
                () -> new LrScheduler(sgd(0.1), new StepLR(1, 0.5)).loadStateDict(saved)).getMessage();
        assertEquals("LrScheduler: state dict has 2 base rates (base_lr [2]) but the optimizer has 1 parameter groups", count);
    }

    @Test
    void badArgumentsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> new StepLR(0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new CosineAnnealingLR(0));
        assertThrows(IllegalArgumentException.class, () -> new LinearWarmup(-1));
        String step = assertThrows(IllegalArgumentException.class, () -> new StepLR(1, 0.5).lr(-1, 1)).getMessage();
        assertEquals("learning-rate schedule: step must be >= 0, got -1", step);
    }
}
