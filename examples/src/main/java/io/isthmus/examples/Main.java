package io.isthmus.examples;

import io.isthmus.examples.charlm.CharLmCommand;
import io.isthmus.examples.gpt.GptCommand;
import io.isthmus.examples.cnn.Cifar10Command;
import io.isthmus.examples.cnn.CnnCommand;
import io.isthmus.examples.mlp.MlpCallbacksCommand;
import io.isthmus.examples.mlp.MlpCommand;
import io.isthmus.examples.rnn.SeqMnistCommand;
import io.isthmus.examples.timeseries.TimeSeriesCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.UncheckedIOException;

/** The examples' command line: one subcommand per trainer or demo. */
@Command(name = "isthmus", mixinStandardHelpOptions = true, version = "Isthmus 0.1.0",
        description = "Isthmus examples: runnable demos and trainers.",
        subcommands = {MlpCommand.class, MlpCallbacksCommand.class, CnnCommand.class, Cifar10Command.class,
                CharLmCommand.class, GptCommand.class, SeqMnistCommand.class, TimeSeriesCommand.class,
                GemmDemo.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Plots are drawn off screen; no display is needed (or used when there is one).
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }

    /** The command line with every subcommand, enum values in any case, and one-line user errors. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::reportFailure);
    }

    /** Problems the user can fix get one line; anything else is a bug and keeps its stack trace. */
    private static int reportFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed)
            throws Exception {
        if (e instanceof ExampleFailure || e instanceof UncheckedIOException) {
            String cause = e instanceof UncheckedIOException && e.getCause() != null ? ": " + e.getCause() : "";
            commandLine.getErr().println("isthmus: " + e.getMessage() + cause);
            return 1;
        }
        throw e;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
