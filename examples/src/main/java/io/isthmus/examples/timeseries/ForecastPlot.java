package io.isthmus.examples.timeseries;

import io.isthmus.examples.ExampleFailure;
import io.isthmus.train.History;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A PNG, drawn headless with XChart as {@code CurvesPlot} is: on the left the actual series
 * against the model's one-step-ahead (first step) predictions over the whole series, with the
 * starts of the validation slice and of the held-out test tail marked, and for a multi-step run
 * the whole forecast made at the start of the test tail; on the right the training and
 * validation loss per epoch.
 */
final class ForecastPlot {

    private static final int WIDTH = 760;
    private static final int HEIGHT = 480;

    /** Positions (x) and values (y) of one line. */
    record Line(String name, double[] x, double[] y) {
    }

    private final List<Line> lines = new ArrayList<>();
    private final List<double[]> markers = new ArrayList<>();
    private final List<String> markerNames = new ArrayList<>();

    /** A line of values at positions {@code x}. */
    ForecastPlot line(String name, double[] x, double[] y) {
        lines.add(new Line(name, x, y));
        return this;
    }

    /** A vertical dashed line at position {@code x}. */
    ForecastPlot marker(String name, double x) {
        markers.add(new double[]{x});
        markerNames.add(name);
        return this;
    }

    void write(Path file, String title, String xTitle, String yTitle, History history) {
        List<XYChart> charts = List.of(series(title, xTitle, yTitle), loss(history));
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

    private XYChart series(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("0");
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (Line line : lines) {
            XYSeries s = chart.addSeries(line.name(), line.x(), line.y());
            s.setMarker(line.x().length > 60 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            for (double v : line.y()) {
                low = Math.min(low, v);
                high = Math.max(high, v);
            }
        }
        for (int i = 0; i < markers.size(); i++) {
            double x = markers.get(i)[0];
            XYSeries s = chart.addSeries(markerNames.get(i), new double[]{x, x}, new double[]{low, high});
            s.setMarker(SeriesMarkers.NONE);
            s.setLineStyle(SeriesLines.DASH_DASH);
        }
        return chart;
    }

    private static XYChart loss(History history) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("loss (MSE of scaled values)")
                .xAxisTitle("epoch").yAxisTitle("loss").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("0");
        boolean positive = true;
        for (String metric : List.of("loss", "val_loss")) {
            List<Double> logged = history.get(metric);
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int i = 0; i < logged.size(); i++) {
                if (Double.isFinite(logged.get(i))) {
                    x.add(history.epochs().get(i) + 1.0);
                    y.add(logged.get(i));
                    positive &= logged.get(i) > 0;
                }
            }
            if (!y.isEmpty()) {
                chart.addSeries(metric.equals("loss") ? "training" : "validation", x, y)
                        .setMarker(x.size() > 30 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            }
        }
        // Losses fall by orders of magnitude over hundreds of epochs; a log axis shows the tail.
        chart.getStyler().setYAxisLogarithmic(positive && !chart.getSeriesMap().isEmpty());
        return chart;
    }

    /** 0, 1, ... n - 1 shifted by {@code from}: positions of consecutive values. */
    static double[] positions(int from, int n) {
        double[] x = new double[n];
        Arrays.setAll(x, i -> from + i);
        return x;
    }
}
