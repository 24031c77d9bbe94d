package io.isthmus.readme;

import io.isthmus.testing.SharedFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java example, exactly as printed there, compiled against the library and run on
 * MNIST: it must train, evaluate, save and load, so the example cannot rot.
 */
class ReadmeExampleTest {

    /** The README's block that follows this marker line. */
    static final String MARKER = "<!-- compiled and run by ReadmeExampleTest -->";

    static String example() throws IOException {
        Path readme = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "README.md");
        if (!Files.exists(readme)) {
            readme = Path.of("..", "README.md");
        }
        String text = Files.readString(readme);
        int at = text.indexOf(MARKER);
        assertTrue(at >= 0, readme + " has no line '" + MARKER + "' before its Java example");
        Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(text);
        assertTrue(block.find(at), "no ```java block after the marker in " + readme);
        return block.group(1);
    }

    @Test
    void theReadmeExampleIsShortAndSelfContained() throws IOException {
        String source = example();
        long lines = source.lines().filter(l -> !l.isBlank() && !l.strip().startsWith("import ")).count();
        assertTrue(lines <= 18, "the example should stay short; it has " + lines + " lines besides imports");
        assertTrue(source.contains("public class QuickStart"), source);
    }

    @Test
    void theReadmeExampleFitsEvaluatesSavesAndLoads(@TempDir Path dir) throws Exception {
        Path mnist = SharedFolders.dataOrSkip("mnist");
        Path src = dir.resolve("QuickStart.java");
        Files.writeString(src, example());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-d", dir.toString(),
                "-cp", System.getProperty("java.class.path"), src.toString());
        assertEquals(0, rc, "the README example does not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));

        Path weights = dir.resolve("mlp.safetensors");
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = loader.loadClass("QuickStart").getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[]{mnist.toString(), weights.toString()});
        } finally {
            System.setOut(stdout);
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.print(output);
        Matcher accuracy = Pattern.compile("accuracy=([0-9.]+)").matcher(output);
        assertTrue(accuracy.find(), "the example prints the test metrics: " + output);
        assertTrue(Double.parseDouble(accuracy.group(1)) > 0.9, "MNIST test accuracy after the example: " + output);
        assertTrue(Files.size(weights) > 400_000, "the weights file holds the model's ~100k floats");
        Matcher agree = Pattern.compile("loaded model agrees: (true|false)").matcher(output);
        assertTrue(agree.find() && agree.group(1).equals("true"), output);
    }
}
