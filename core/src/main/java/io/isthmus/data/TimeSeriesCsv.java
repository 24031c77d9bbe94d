package io.isthmus.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Reads one numeric column of a CSV time series (the files in {@code ../shared/data}: airline
 * passengers, CO2, temperatures, sunspots) with its time column.
 *
 * <p>Format: UTF-8; the first line is a header naming the columns; fields are separated by
 * commas and may be enclosed in double quotes ({@code ""} inside quotes is one quote); a quoted
 * field cannot span lines. Lines end with LF or CRLF; blank lines at the end are ignored, a blank
 * line between rows is an error. Every row has as many fields as the header. The time column
 * (the first, unless {@link #timeColumn} names another) must not be empty in any row.
 *
 * <p>Values: a decimal number ({@code 112}, {@code -3.5}, {@code 1e-3}); an empty field,
 * {@code NA} or {@code NaN} (any case) is <em>missing</em>. Missing values are filled by linear
 * interpolation between the nearest present values before and after, by row position (rows are
 * taken as equally spaced in time), under three limits, each rejecting the file with the lines
 * at fault: no missing value before the first or after the last present one (nothing to
 * interpolate from); no run of more than {@link #maxGap} consecutive missing rows (default 26);
 * no more than {@link #maxMissingFraction} of all rows missing (default 0.1). {@code maxGap(0)}
 * rejects any missing value.
 *
 * <p>Anything else (a field that is not a number, a wrong field count, an unterminated quote)
 * is rejected with a {@link DataFormatException} naming the file, the line and the offending text.
 */
public final class TimeSeriesCsv {

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private String timeColumn;
    private int maxGap = 26;
    private double maxMissingFraction = 0.1;

    private TimeSeriesCsv() {
    }

    /** A reader with the defaults: first column as time, gaps up to 26 rows, at most 10% missing. */
    public static TimeSeriesCsv reader() {
        return new TimeSeriesCsv();
    }

    /** Reads column {@code column} with the default settings. */
    public static TimeSeries read(Path file, String column) throws IOException {
        return reader().readColumn(file, column);
    }

    /** The column holding the time labels (default: the first column). */
    public TimeSeriesCsv timeColumn(String name) {
        this.timeColumn = name;
        return this;
    }

    /** Longest run of consecutive missing values that is interpolated (&gt;= 0; 0 rejects any missing value). */
    public TimeSeriesCsv maxGap(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("max gap must be >= 0 rows, got " + rows);
        }
        this.maxGap = rows;
        return this;
    }

    /** Largest fraction of missing rows accepted, in [0, 1]. */
    public TimeSeriesCsv maxMissingFraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("max missing fraction must be in [0, 1], got " + fraction);
        }
        this.maxMissingFraction = fraction;
        return this;
    }

    /**
     * Reads the only value column of a two-column file (time, value).
     *
     * @throws DataFormatException if the file has another number of columns (the message lists them)
     */
    public TimeSeries read(Path file) throws IOException {
        return parse(file, null);
    }

    /**
     * Reads column {@code column} (matched exactly, quotes removed) with the time column.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws DataFormatException               if the file or a row is malformed, the column is not
     *                                           there (the message lists the columns), or missing
     *                                           values break the rule above
     */
    public TimeSeries readColumn(Path file, String column) throws IOException {
        return parse(file, Objects.requireNonNull(column, "column"));
    }

    /** Reads {@code column}, or with null the only value column of a two-column file. */
    private TimeSeries parse(Path file, String column) throws IOException {
        String text = TextFile.read(file);
        List<String> lines = lines(text);
        int last = lines.size();
        while (last > 0 && lines.get(last - 1).isBlank()) {
            last--;
        }
        if (last == 0) {
            throw new DataFormatException(file, "the file holds only blank lines; expected a header and rows");
        }
        List<String> header = fields(file, 1, lines.get(0));
        int timeIndex = timeColumn == null ? 0 : indexOf(file, header, timeColumn, "time");
        int valueIndex;
        if (column == null) {
            if (header.size() != 2) {
                throw new DataFormatException(file, 1, "has " + header.size() + " columns " + header
                        + "; name the value column to read");
            }
            valueIndex = 1 - timeIndex;
        } else {
            valueIndex = indexOf(file, header, column, "value");
        }
        if (valueIndex == timeIndex) {
            throw new DataFormatException(file, 1, "column '" + header.get(valueIndex) + "' cannot be both the time and the value column");
        }
        if (last == 1) {
            throw new DataFormatException(file, "has a header " + header + " but no data rows");
        }
        int rows = last - 1;
        List<String> times = new ArrayList<>(rows);
        double[] values = new double[rows];
        boolean[] missing = new boolean[rows];
        for (int r = 0; r < rows; r++) {
            int lineNo = r + 2;
            String line = lines.get(r + 1);
            if (line.isBlank()) {
                throw new DataFormatException(file, lineNo, "blank line between data rows");
            }
            List<String> f = fields(file, lineNo, line);
            if (f.size() != header.size()) {
                throw new DataFormatException(file, lineNo, "has " + f.size() + " fields, the header has " + header.size()
                        + " " + header + ": " + quote(line));
            }
            String time = f.get(timeIndex);
            if (time.isEmpty()) {
                throw new DataFormatException(file, lineNo, "empty time label in column '" + header.get(timeIndex) + "': "
                        + quote(line));
            }
            times.add(time);
            String v = f.get(valueIndex);
            if (isMissing(v)) {
                missing[r] = true;
                continue;
            }
            if (!NUMBER.matcher(v).matches()) {
                throw new DataFormatException(file, lineNo, "value " + quote(v) + " in column '" + header.get(valueIndex)
                        + "' is not a number: " + quote(line));
            }
            values[r] = Double.parseDouble(v);
            if (!Double.isFinite(values[r])) {
                throw new DataFormatException(file, lineNo, "value " + quote(v) + " in column '" + header.get(valueIndex)
                        + "' is out of range: " + quote(line));
            }
        }
        int[] filled = fill(file, values, missing, header.get(valueIndex));
        return new TimeSeries(header.get(valueIndex), header.get(timeIndex), times, values, filled);
    }

    private static boolean isMissing(String v) {
        String lower = v.toLowerCase(Locale.ROOT);
        return lower.isEmpty() || lower.equals("na") || lower.equals("nan");
    }

    /** Interpolates the missing values in place under the rule of the class comment; returns their rows. */
    private int[] fill(Path file, double[] values, boolean[] missing, String column) throws DataFormatException {
        int n = values.length;
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            if (missing[r]) {
                rows.add(r);
            }
        }
        if (rows.isEmpty()) {
            return new int[0];
        }
        if (rows.size() == n) {
            throw new DataFormatException(file, "every value of column '" + column + "' is missing");
        }
        if (missing[0]) {
            int end = 0;
            while (missing[end]) {
                end++;
            }
            throw new DataFormatException(file, 2, "column '" + column + "' starts with " + end
                    + " missing value(s) (lines 2-" + (end + 1) + "): nothing before them to interpolate from");
        }
        if (missing[n - 1]) {
            int start = n - 1;
            while (missing[start]) {
                start--;
            }
            throw new DataFormatException(file, start + 3, "column '" + column + "' ends with " + (n - 1 - start)
                    + " missing value(s) (lines " + (start + 3) + "-" + (n + 1) + "): nothing after them to interpolate from");
        }
        if (rows.size() > maxMissingFraction * n) {
            throw new DataFormatException(file, String.format(Locale.ROOT,
                    "%d of %d values of column '%s' are missing (%.1f%%), more than the %.1f%% allowed (first at line %d)",
                    rows.size(), n, column, 100.0 * rows.size() / n, 100 * maxMissingFraction, rows.get(0) + 2));
        }
        for (int r = 1; r < n; ) {
            if (!missing[r]) {
                r++;
                continue;
            }
            int start = r;
            while (missing[r]) {
                r++;
            }
            int run = r - start;
            if (run > maxGap) {
                throw new DataFormatException(file, start + 2, run + " consecutive missing values of column '" + column
                        + "' (lines " + (start + 2) + "-" + (r + 1) + "), more than the " + maxGap + " interpolated");
            }
            double before = values[start - 1];
            double after = values[r];
            for (int j = 0; j < run; j++) {
                values[start + j] = before + (after - before) * (j + 1) / (run + 1);
            }
        }
        return rows.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int indexOf(Path file, List<String> header, String name, String role) throws DataFormatException {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new DataFormatException(file, 1, "no " + role + " column named '" + name + "'; the columns are " + header);
        }
        if (header.lastIndexOf(name) != i) {
            throw new DataFormatException(file, 1, "two columns are named '" + name + "' (columns " + (i + 1) + " and "
                    + (header.lastIndexOf(name) + 1) + " of " + header + ")");
        }
        return i;
    }

    /** Splits the text at LF, CRLF or CR line ends. */
    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                out.add(text.substring(start, i));
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }

    /** The fields of one line: unquoted fields trimmed, quoted ones taken as written between the quotes. */
    private static List<String> fields(Path file, int lineNo, String line) throws DataFormatException {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                StringBuilder field = new StringBuilder();
                int open = i++;
                while (true) {
                    if (i >= n) {
                        throw new DataFormatException(file, lineNo, "unterminated quote opened at column " + (open + 1)
                                + ": " + quote(line));
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                    i++;
                }
                if (i < n && line.charAt(i) != ',') {
                    throw new DataFormatException(file, lineNo, "text after the closing quote at column " + i + ": " + quote(line));
                }
                out.add(field.toString());
            } else {
                int comma = line.indexOf(',', i);
                int end = comma < 0 ? n : comma;
                String field = line.substring(i, end).strip();
                if (field.indexOf('"') >= 0) {
                    throw new DataFormatException(file, lineNo, "stray quote in unquoted field " + quote(field) + ": " + quote(line));
                }
                out.add(field);
                i = end;
            }
            if (i >= n) {
                return out;
            }
            i++; // the comma
            if (i == n) {
                out.add("");
                return out;
            }
        }
    }

    /** The text in quotes, shortened if long. */
    private static String quote(String s) {
        return "'" + (s.length() > 80 ? s.substring(0, 77) + "..." : s) + "'";
    }
}
