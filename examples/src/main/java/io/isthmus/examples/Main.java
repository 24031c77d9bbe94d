package io.isthmus.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The examples' command line: one subcommand per trainer or demo. */
@Command(name = "isthmus", mixinStandardHelpOptions = true, version = "Isthmus 0.1.0",
        description = "Isthmus examples: runnable demos and trainers.",
        subcommands = {GemmDemo.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int exit = new CommandLine(new Main()).execute(args);
        System.exit(exit);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
