package dev.certsonar.cli;

import dev.certsonar.cli.config.ConfigOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;

/** A command that talks to the configured Kafka cluster: the configuration options, and where it writes. */
abstract class KafkaCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    /** What "now" is for the command. */
    Clock clock = Clock.systemUTC();

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
