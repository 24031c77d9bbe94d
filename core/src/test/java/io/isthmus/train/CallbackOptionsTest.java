package io.isthmus.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The callbacks' builders: Keras's defaults, the AUTO mode rule, and eager rejection of bad options. */
class CallbackOptionsTest {

    private static void rejects(String message, Executable setting) {
        var e = assertThrows(IllegalArgumentException.class, setting);
        assertEquals(message, e.getMessage());
    }

    @Test
    void earlyStoppingDefaultsAreKeras() {
        EarlyStopping stopping = EarlyStopping.builder().build();
        assertEquals(new Monitor("val_loss", false, 0.0), stopping.monitor());
        assertEquals(0, stopping.patience());
        assertFalse(stopping.restoreBestWeights());

        EarlyStopping custom = EarlyStopping.builder().monitor("val_accuracy").patience(4).minDelta(1e-3)
                .restoreBestWeights(true).build();
        assertEquals(new Monitor("val_accuracy", true, 1e-3), custom.monitor(), "AUTO maximizes accuracy");
        assertEquals(4, custom.patience());
        assertTrue(custom.restoreBestWeights());

        EarlyStopping shortcut = EarlyStopping.onValidationLoss(3);
        assertEquals(new Monitor("val_loss", false, 0.0), shortcut.monitor());
        assertEquals(3, shortcut.patience());
        assertTrue(shortcut.restoreBestWeights());
    }

    @Test
    void reduceLROnPlateauDefaultsAreKeras() {
        for (ReduceLROnPlateau plateau : new ReduceLROnPlateau[]{
                ReduceLROnPlateau.builder().build(), ReduceLROnPlateau.onValidationLoss()}) {
            assertEquals(new Monitor("val_loss", false, 1e-4), plateau.monitor());
            assertEquals(0.1, plateau.factor());
            assertEquals(10, plateau.patience());
            assertEquals(0, plateau.cooldown());
            assertEquals(0.0, plateau.minLr());
        }
        ReduceLROnPlateau custom = ReduceLROnPlateau.builder().monitor("accuracy").mode(Mode.MAX).factor(0.25)
                .patience(2).minDelta(0).cooldown(3).minLr(1e-6).build();
        assertEquals(new Monitor("accuracy", true, 0.0), custom.monitor());
        assertEquals(0.25, custom.factor());
        assertEquals(2, custom.patience());
        assertEquals(3, custom.cooldown());
        assertEquals(1e-6, custom.minLr());
    }

    @Test
    void modelCheckpointDefaultsAreKeras() {
        ModelCheckpoint every = ModelCheckpoint.builder("ckpt/e{epoch:02d}.safetensors").build();
        assertEquals("ckpt/e{epoch:02d}.safetensors", every.pathPattern());
        assertEquals(new Monitor("val_loss", false, 0.0), every.monitor());
        assertFalse(every.saveBestOnly());
        assertFalse(every.saveWeightsOnly());

        ModelCheckpoint best = ModelCheckpoint.bestOnValidationLoss("best.safetensors");
        assertEquals(new Monitor("val_loss", false, 0.0), best.monitor());
        assertTrue(best.saveBestOnly());
        assertFalse(best.saveWeightsOnly());

        ModelCheckpoint weights = ModelCheckpoint.builder("w.safetensors").monitor("val_auc").saveBestOnly(true)
                .saveWeightsOnly(true).build();
        assertEquals(new Monitor("val_auc", true, 0.0), weights.monitor());
        assertTrue(weights.saveBestOnly());
        assertTrue(weights.saveWeightsOnly());
    }

    @Test
    void csvLoggerReplacesUnlessToldToAppend() {
        Path file = Path.of("logs", "train.csv");
        CsvLogger replacing = CsvLogger.to(file);
        assertEquals(file, replacing.file());
        assertFalse(replacing.append());
        assertFalse(CsvLogger.builder(file).build().append());
        assertTrue(CsvLogger.builder(file).append(true).build().append());
    }

    @Test
    void progressBarIsPlainOnAnotherStreamUnlessAsked() {
        assertSame(System.out, new ProgressBar().output());
        assertSame(System.out, ProgressBar.builder().build().output());
        PrintStream stream = new PrintStream(new ByteArrayOutputStream());
        ProgressBar plain = ProgressBar.builder().output(stream).build();
        assertSame(stream, plain.output());
        assertFalse(plain.interactive(), "auto: only System.out on a terminal gets a bar");
        assertTrue(ProgressBar.builder().output(stream).interactive(true).build().interactive());
        assertFalse(ProgressBar.builder().interactive(false).build().interactive());
    }

    @Test
    void autoModeMaximizesAccuracyAucAndFmeasureNames() {
        for (String higher : new String[]{"accuracy", "val_accuracy", "acc", "val_acc", "top5_acc", "auc", "val_auc",
                "fmeasure", "val_fmeasure_macro"}) {
            assertTrue(Monitor.of(higher, Mode.AUTO, 0).higherIsBetter(), higher);
        }
        for (String lower : new String[]{"loss", "val_loss", "mae", "val_mse", "perplexity", "val_loss_fmeasure"}) {
            assertFalse(Monitor.of(lower, Mode.AUTO, 0).higherIsBetter(), lower);
        }
        assertFalse(Monitor.of("accuracy", Mode.MIN, 0).higherIsBetter(), "an explicit mode wins over the name");
        assertTrue(Monitor.of("val_loss", Mode.MAX, 0).higherIsBetter());
    }

    @Test
    void eachBuildMakesAnIndependentCallback() {
        EarlyStopping.Builder options = EarlyStopping.builder().monitor("loss").patience(2);
        EarlyStopping first = options.build();
        EarlyStopping second = options.patience(7).build();
        assertNotSame(first, second);
        assertEquals(2, first.patience(), "later settings do not reach a built callback");
        assertEquals(7, second.patience());
    }

    @Test
    void badOptionsFailAtTheSetterNamingOptionAndValue() {
        rejects("patience must be >= 0, got -3", () -> EarlyStopping.builder().patience(-3));
        rejects("minDelta must be a finite number >= 0, got -0.1", () -> EarlyStopping.builder().minDelta(-0.1));
        rejects("minDelta must be a finite number >= 0, got NaN", () -> EarlyStopping.builder().minDelta(Double.NaN));
        rejects("minDelta must be a finite number >= 0, got Infinity",
                () -> ReduceLROnPlateau.builder().minDelta(Double.POSITIVE_INFINITY));
        rejects("monitor must name a logged metric (e.g. val_loss), got ''", () -> EarlyStopping.builder().monitor(""));
        rejects("monitor must name a logged metric (e.g. val_loss), got '  '",
                () -> ReduceLROnPlateau.builder().monitor("  "));
        rejects("monitor must name a logged metric (e.g. val_loss), got null",
                () -> ModelCheckpoint.builder("m.ckpt").monitor(null));
        rejects("mode must be MIN, MAX or AUTO, got null", () -> EarlyStopping.builder().mode(null));

        rejects("factor must be in (0, 1), got 1.5", () -> ReduceLROnPlateau.builder().factor(1.5));
        rejects("factor must be in (0, 1), got 1.0", () -> ReduceLROnPlateau.builder().factor(1));
        rejects("factor must be in (0, 1), got 0.0", () -> ReduceLROnPlateau.builder().factor(0));
        rejects("factor must be in (0, 1), got NaN", () -> ReduceLROnPlateau.builder().factor(Double.NaN));
        rejects("patience must be >= 0, got -1", () -> ReduceLROnPlateau.builder().patience(-1));
        rejects("cooldown must be >= 0, got -2", () -> ReduceLROnPlateau.builder().cooldown(-2));
        rejects("minLr must be a finite number >= 0, got -1.0E-4", () -> ReduceLROnPlateau.builder().minLr(-1e-4));

        rejects("checkpoint path pattern must name a file, got ''", () -> ModelCheckpoint.builder(""));
        rejects("checkpoint path pattern must name a file, got null", () -> ModelCheckpoint.builder(null));
        rejects("CsvLogger file must be a path, got null", () -> CsvLogger.builder(null));
        rejects("CsvLogger file must be a path, got null", () -> CsvLogger.to(null));
        rejects("ProgressBar output must be a stream, got null", () -> ProgressBar.builder().output(null));
    }

    @Test
    void aCheckpointPatternWithABadFormatFailsAtTheBuilder() {
        var epoch = assertThrows(IllegalArgumentException.class, () -> ModelCheckpoint.builder("m-{epoch:.4f}.ckpt"));
        assertTrue(epoch.getMessage().startsWith("checkpoint path pattern 'm-{epoch:.4f}.ckpt': field {epoch:.4f}"
                + " cannot format the epoch (an integer, e.g. {epoch:02d})"), epoch.getMessage());
        var metric = assertThrows(IllegalArgumentException.class, () -> ModelCheckpoint.builder("m-{val_loss:02d}.ckpt"));
        assertTrue(metric.getMessage().startsWith("checkpoint path pattern 'm-{val_loss:02d}.ckpt': field {val_loss:02d}"
                + " cannot format val_loss (a number, e.g. {val_loss:.4f})"), metric.getMessage());
        // metric names are only known once training logs them: an unknown one passes here
        assertEquals("m-{val_nothing:.2f}.ckpt", ModelCheckpoint.builder("m-{val_nothing:.2f}.ckpt").build().pathPattern());
    }
}
