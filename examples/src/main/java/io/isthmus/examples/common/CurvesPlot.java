package io.isthmus.examples.common;

import io.isthmus.examples.ExampleFailure;
import io.isthmus.train.History;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A PNG with the loss and the accuracy per epoch side by side, for training and for the data
 * evaluated after each epoch, drawn headless with XChart. Optionally marks the epoch whose
 * weights were kept.
 */
public final class CurvesPlot {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 440;

    private final History history;
    private final String evaluatedLabel;
    private int keptEpoch = -1;

    /** evaluatedLabel: what the {@code val_*} metrics were computed on, e.g. "test" or "validation". */
    public CurvesPlot(History history, String evaluatedLabel) {
        this.history = history;
        this.evaluatedLabel = evaluatedLabel;
    }

    /** Marks 0-based {@code epoch} as the one whose weights were kept. */
    public CurvesPlot markKept(int epoch) {
        this.keptEpoch = epoch;
        return this;
    }

    public void write(Path file, String title) {
        List<XYChart> charts = List.of(chart(title + ": loss", "loss"), chart(title + ": accuracy", "accuracy"));
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                BitmapEncoder.saveBitmap(charts, 1, 2, out, BitmapEncoder.BitmapFormat.PNG);
            }
        } catch (IOException e) {
            throw new ExampleFailure("cannot write the plot " + file.toAbsolutePath() + ": " + e, e);
        }
    }

    private XYChart chart(String title, String metric) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("epoch").yAxisTitle(metric).build();
        XYStyler styler = chart.getStyler();
        // Loss falls and accuracy rises: keep the legend in the corner the curves leave free.
        styler.setLegendPosition(metric.equals("accuracy") ? Styler.LegendPosition.InsideSE
                : Styler.LegendPosition.InsideNE);
        styler.setChartBackgroundColor(java.awt.Color.WHITE);
        styler.setXAxisDecimalPattern("0");
        styler.setYAxisDecimalPattern(metric.equals("accuracy") ? "0.000" : "0.00");
        addSeries(chart, "training", metric);
        addSeries(chart, evaluatedLabel, "val_" + metric);
        if (keptEpoch >= 0) {
            int index = history.epochs().indexOf(keptEpoch);
            double value = index < 0 ? Double.NaN : history.logs().get(index).getOrDefault("val_" + metric, Double.NaN);
            if (Double.isFinite(value)) {
                XYSeries kept = chart.addSeries("kept: epoch " + (keptEpoch + 1), new double[]{keptEpoch + 1},
                        new double[]{value});
                kept.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                kept.setMarker(SeriesMarkers.DIAMOND);
            }
        }
        return chart;
    }

    /** The metric's finite values against 1-based epochs; nothing when the metric was not logged. */
    private void addSeries(XYChart chart, String name, String metric) {
        List<Integer> epochs = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        List<Double> logged = history.get(metric);
        for (int i = 0; i < logged.size(); i++) {
            if (Double.isFinite(logged.get(i))) {
                epochs.add(history.epochs().get(i) + 1);
                values.add(logged.get(i));
            }
        }
        if (!values.isEmpty()) {
            chart.addSeries(name, epochs, values).setMarker(SeriesMarkers.CIRCLE);
        }
    }
}
