package io.isthmus.golden;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every static {@link GoldenSuite} field of the compiled test classes, found by walking the
 * test-classes folder this class was loaded from: a new golden test registers its cases just by
 * declaring the field, with no list to edit.
 */
final class DeclaredSuites {

    /** A suite and the test class that declares it. */
    record Declared(Class<?> owner, GoldenSuite suite) {
    }

    private DeclaredSuites() {
    }

    static List<Declared> find() {
        Path root = testClassesRoot();
        List<Declared> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                found.addAll(declaredIn(load(root, file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the test classes in " + root, e);
        }
        return found;
    }

    private static Path testClassesRoot() {
        try {
            Path root = Path.of(DeclaredSuites.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isDirectory(root)) {
                throw new IllegalStateException("test classes are not in a folder but in " + root
                        + "; the golden coverage check needs the compiled test-classes folder");
            }
            return root;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Class<?> load(Path root, Path file) {
        String relative = root.relativize(file).toString();
        String name = relative.substring(0, relative.length() - ".class".length()).replace(file.getFileSystem().getSeparator(), ".");
        try {
            return Class.forName(name, false, DeclaredSuites.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("cannot load test class " + name + " from " + file, e);
        }
    }

    private static List<Declared> declaredIn(Class<?> type) {
        List<Declared> found = new ArrayList<>();
        for (Field field : type.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == GoldenSuite.class) {
                try {
                    field.setAccessible(true);
                    GoldenSuite suite = (GoldenSuite) field.get(null);
                    if (suite == null) {
                        throw new IllegalStateException(type.getName() + "." + field.getName() + " is null");
                    }
                    found.add(new Declared(type, suite));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot read " + type.getName() + "." + field.getName(), e);
                }
            }
        }
        return found;
    }
}
