package io.isthmus.data;

import io.isthmus.testing.SharedFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CSV series of ../shared/data, the missing-value rule, and every rejection on small files. */
class TimeSeriesCsvTest {

    @TempDir
    Path dir;

    private Path csv(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static Path data(String folder, String file) {
        return SharedFolders.dataOrSkip(folder).resolve(file);
    }

    @Test
    void airlinePassengers() throws IOException {
        TimeSeries s = TimeSeriesCsv.read(data("airline-passengers", "airline-passengers.csv"), "Passengers");
        assertEquals(144, s.size());
        assertEquals("Passengers", s.name());
        assertEquals("Month", s.timeName());
        assertEquals("1949-01", s.times().get(0));
        assertEquals("1960-12", s.times().get(143));
        assertEquals(112, s.value(0));
        assertEquals(118, s.value(1));
        assertEquals(432, s.value(143));
        assertEquals(0, s.filled().length);
        assertEquals(LocalDate.of(1949, 1, 1), s.dates().get(0));
        assertEquals(LocalDate.of(1960, 12, 1), s.dates().get(143));
        // the two-column form reads the same series
        assertArrayEquals(s.values(), TimeSeriesCsv.reader().read(data("airline-passengers", "airline-passengers.csv")).values());

        TimeSeries.Split split = s.splitTail(24);
        assertEquals(120, split.cut());
        assertEquals(120, split.train().size());
        assertEquals("1959-01", split.test().times().get(0));
        assertEquals(s.value(120), split.test().value(0));
        assertEquals(96, s.split(0.67).train().size(), "floor(144 * 0.67)");
    }

    @Test
    void co2HasItsMissingWeeksInterpolated() throws IOException {
        Path file = data("co2-mauna-loa", "co2-weekly.csv");
        TimeSeries s = TimeSeriesCsv.read(file, "co2");
        assertEquals(2284, s.size());
        assertEquals(59, s.filled().length, "SOURCE.md: 59 rows have an empty co2 value");
        assertEquals("19580329", s.times().get(0));
        assertEquals(316.1, s.value(0));
        assertEquals(LocalDate.of(1958, 3, 29), s.dates().get(0));
        assertEquals(371.5, s.value(2283));
        // line 8 (19580510) is empty between 316.9 (line 7) and 317.5 (line 9)
        assertEquals("19580510", s.times().get(6));
        assertEquals(6, s.filled()[0]);
        assertEquals((316.9 + 317.5) / 2, s.value(6), 1e-12);
        // every filled value lies on the straight line between the present values around its gap,
        // recomputed here from the raw lines
        List<String> lines = Files.readAllLines(file);
        for (int r : s.filled()) {
            int before = r - 1;
            while (lines.get(before + 1).endsWith(",")) {
                before--;
            }
            int after = r + 1;
            while (lines.get(after + 1).endsWith(",")) {
                after++;
            }
            double a = Double.parseDouble(lines.get(before + 1).split(",")[1]);
            double b = Double.parseDouble(lines.get(after + 1).split(",")[1]);
            assertEquals(a + (b - a) * (r - before) / (after - before), s.value(r), 1e-9, "row " + r);
        }
        // its longest gap is 18 weeks: a limit of 17 rejects it, naming the lines
        var e = assertThrows(DataFormatException.class, () -> TimeSeriesCsv.reader().maxGap(17).readColumn(file, "co2"));
        assertTrue(e.getMessage().contains("18 consecutive missing values") && e.getMessage().contains("more than the 17"),
                e.getMessage());
        assertTrue(e.line() > 1);
        var none = assertThrows(DataFormatException.class, () -> TimeSeriesCsv.reader().maxGap(0).readColumn(file, "co2"));
        assertTrue(none.getMessage().contains(file + ":8:"), none.getMessage());
    }

    @Test
    void temperaturesAndSunspots() throws IOException {
        TimeSeries t = TimeSeriesCsv.read(data("daily-min-temperatures", "daily-min-temperatures.csv"), "Temp");
        assertEquals(3650, t.size());
        assertEquals(20.7, t.value(0));
        assertEquals(13.0, t.value(3649));
        assertEquals(LocalDate.of(1990, 12, 31), t.dates().get(3649));

        TimeSeries yearly = TimeSeriesCsv.read(data("sunspots", "sunspots-yearly.csv"), "SUNACTIVITY");
        assertEquals(309, yearly.size());
        assertEquals("1700", yearly.times().get(0));
        assertEquals(5, yearly.value(0));
        assertEquals(2.9, yearly.value(308));
        assertEquals(LocalDate.of(2008, 1, 1), yearly.dates().get(308));

        TimeSeries monthly = TimeSeriesCsv.read(data("sunspots", "monthly-sunspots.csv"), "Sunspots");
        assertEquals(2820, monthly.size());
        assertEquals(58.0, monthly.value(0));
        assertEquals(33.4, monthly.value(2819));
    }

    @Test
    void missingValuesAreInterpolatedByPosition() throws IOException {
        TimeSeries s = TimeSeriesCsv.reader().maxMissingFraction(0.5).readColumn(csv("gap.csv",
                "t,v,w\n1,1,a\n2,,b\n3,NA,c\n4,7,d\n5,nan,e\n6,9,f\n"), "v");
        assertArrayEquals(new double[]{1, 3, 5, 7, 8, 9}, s.values(), 1e-12);
        assertArrayEquals(new int[]{1, 2, 4}, s.filled());
        assertEquals(List.of("1", "2", "3", "4", "5", "6"), s.times());
        assertArrayEquals(new int[]{0, 2}, s.slice(2, 5).filled());
        TimeSeries quoted = TimeSeriesCsv.reader().timeColumn("w").maxMissingFraction(0.5)
                .readColumn(csv("q.csv", "\"t\" , \"v\",w\r\n1, \"1.5e1\" ,\"a,\"\"b\"\"\"\r\n2,-.5,z\r\n\r\n\r\n"), "v");
        assertArrayEquals(new double[]{15, -0.5}, quoted.values());
        assertEquals(List.of("a,\"b\"", "z"), quoted.times());
    }

    /** The rejection's message names the file, the line and the expected text. */
    private static void rejected(Path file, int line, String expected, TimeSeriesCsv reader, String column) {
        var e = assertThrows(DataFormatException.class, () -> reader.readColumn(file, column));
        String where = line > 0 ? file + ":" + line + ":" : file + ":";
        assertTrue(e.getMessage().contains(where) && e.getMessage().contains(expected),
                "expected '" + where + "' and '" + expected + "' in: " + e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
    }

    private void rejected(String text, int line, String expected) throws IOException {
        rejected(csv("bad.csv", text), line, expected, TimeSeriesCsv.reader(), "v");
    }

    @Test
    void badRowsAreRejectedWithFileLineAndText() throws IOException {
        rejected("t,v\n1,2\n2,3x\n", 3, "value '3x' in column 'v' is not a number: '2,3x'");
        rejected("t,v\n1,2\n2,12f\n", 3, "'12f'");
        rejected("t,v\n1,Infinity\n", 2, "'Infinity'");
        rejected("t,v\n1,1e999\n", 2, "out of range");
        rejected("t,v\n1,2\n2,3,4\n", 3, "has 3 fields, the header has 2 [t, v]: '2,3,4'");
        rejected("t,v\n1,2\n3\n", 3, "has 1 fields");
        rejected("t,v\n1,2\n\n2,3\n", 3, "blank line between data rows");
        rejected("t,v\n1,2\n\"2,3\n", 3, "unterminated quote");
        rejected("t,v\n1,\"2\"x\n", 2, "text after the closing quote");
        rejected("t,v\n1,2\"\n", 2, "stray quote");
        rejected("t,v\n,2\n", 2, "empty time label");
        rejected("t,x\n1,2\n", 1, "no value column named 'v'; the columns are [t, x]");
        rejected("t,v,v\n1,2,3\n", 1, "two columns are named 'v' (columns 2 and 3 of [t, v, v])");
        rejected("t,v\n", 0, "no data rows");
        rejected("\n\n", 0, "only blank lines");
        rejected(csv("tc.csv", "t,v\n1,2\n"), 1, "no time column named 'date'", TimeSeriesCsv.reader().timeColumn("date"), "v");
        rejected(csv("same.csv", "t,v\n1,2\n"), 1, "both the time and the value", TimeSeriesCsv.reader(), "t");
        Path three = csv("three.csv", "t,a,b\n1,2,3\n");
        var e = assertThrows(DataFormatException.class, () -> TimeSeriesCsv.reader().read(three));
        assertTrue(e.getMessage().contains("3 columns [t, a, b]"), e.getMessage());
    }

    @Test
    void missingValuesOutsideTheRuleAreRejected() throws IOException {
        rejected("t,v\n1,\n2,\n3,5\n4,6\n", 2, "starts with 2 missing value(s) (lines 2-3)");
        rejected("t,v\n1,4\n2,5\n3,\n", 4, "ends with 1 missing value(s) (lines 4-4)");
        rejected("t,v\n1,\n2,NA\n", 0, "every value of column 'v' is missing");
        Path gaps = csv("gaps.csv", "t,v\n1,1\n2,\n3,\n4,\n5,5\n6,6\n7,7\n8,8\n9,9\n10,10\n");
        rejected(gaps, 3, "3 consecutive missing values of column 'v' (lines 3-5), more than the 2",
                TimeSeriesCsv.reader().maxGap(2).maxMissingFraction(1), "v");
        rejected(gaps, 0, "3 of 10 values of column 'v' are missing (30.0%), more than the 10.0% allowed (first at line 3)",
                TimeSeriesCsv.reader(), "v");
        assertEquals(10, TimeSeriesCsv.reader().maxMissingFraction(0.3).readColumn(gaps, "v").size());
        assertThrows(IllegalArgumentException.class, () -> TimeSeriesCsv.reader().maxGap(-1));
        assertThrows(IllegalArgumentException.class, () -> TimeSeriesCsv.reader().maxMissingFraction(1.5));
    }

    @Test
    void unreadableFilesAreRejected() throws IOException {
        Path missing = dir.resolve("nope.csv");
        var nf = assertThrows(NoSuchFileException.class, () -> TimeSeriesCsv.read(missing, "v"));
        assertTrue(nf.getMessage().contains(missing.toString()), nf.getMessage());
        Path empty = csv("empty.csv", "");
        rejected(empty, 0, "empty", TimeSeriesCsv.reader(), "v");
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, new byte[]{'t', ',', 'v', '\n', '1', ',', '2', '\n', (byte) 0xB0, ',', '3', '\n'});
        rejected(latin1, 3, "not valid UTF-8", TimeSeriesCsv.reader(), "v");
    }

    @Test
    void datesOfUnknownFormsAreNamed() throws IOException {
        TimeSeries s = TimeSeriesCsv.read(csv("d.csv", "t,v\n2020-01-05,1\n1/2/2020,2\n"), "v");
        var e = assertThrows(IllegalArgumentException.class, s::dates);
        assertTrue(e.getMessage().contains("time label 1 '1/2/2020'"), e.getMessage());
        TimeSeries bad = TimeSeriesCsv.read(csv("d2.csv", "t,v\n2020-13,1\n"), "v");
        e = assertThrows(IllegalArgumentException.class, bad::dates);
        assertTrue(e.getMessage().contains("'2020-13' is not a valid date"), e.getMessage());
    }
}
