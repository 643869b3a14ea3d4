package dev.certsonar.cli;

import dev.certsonar.cli.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/** The {@code certsonar} command. */
@Command(name = "certsonar",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Finds the TLS certificates your services present and warns their owners before one expires or breaks.",
        subcommands = {
                ScanCommand.class,
                InspectCommand.class,
                TargetsCommand.class,
                AlertsCommand.class,
                SilenceCommand.class,
                AckCommand.class,
                ExceptionsCommand.class,
                StatusCommand.class,
                DemoCommand.class,
                RunCommand.class,
                ComponentCommands.Scanner.class,
                ComponentCommands.Aggregator.class,
                ComponentCommands.Notifier.class,
                CommandLine.HelpCommand.class,
        },
        footer = {"", "Exit status: 0 success, 1 or 2 findings (scan, inspect), 3 usage, configuration or input error."})
public final class Main implements Callable<Integer> {

    /** Usage errors, configuration errors and failures: "UNKNOWN" in the Nagios convention that scan follows. */
    public static final int EXIT_USAGE = 3;

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with certsonar's exit codes, error messages and help; tests call this too. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExitCodeExceptionMapper(error -> EXIT_USAGE);
        commandLine.setExecutionExceptionHandler(Main::handleExecutionException);
        commandLine.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Main::commandList);
        return commandLine;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    private static int handleExecutionException(Exception error, CommandLine command, CommandLine.ParseResult parsed) {
        if (error instanceof ConfigException || error instanceof IllegalArgumentException) {
            command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + error.getMessage());
            log.debug("{} stopped", command.getCommandSpec().qualifiedName(), error);
        } else {
            command.getErr().println(command.getCommandSpec().qualifiedName() + ": failed: " + error);
            log.error("{} failed", command.getCommandSpec().qualifiedName(), error);
        }
        return EXIT_USAGE;
    }

    /** The registered commands, and {@code test}, which the {@code ./certsonar} launcher runs with Maven. */
    private static String commandList(Help help) {
        if (help.commandSpec().parent() != null || help.subcommands().isEmpty()) {
            return help.commandList();
        }
        Map<String, Help> commands = new LinkedHashMap<>(help.subcommands());
        CommandSpec test = CommandSpec.create().name("test");
        test.usageMessage().description("Run the test suite, unit and integration tests (./certsonar test, with Maven).");
        commands.put("test", new Help(test, help.colorScheme()));
        return help.commandList(commands);
    }

    /** The version recorded in the jar by Maven. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/META-INF/maven/dev.certsonar/certsonar-cli/pom.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"certsonar " + properties.getProperty("version", "(development build)")};
        }
    }
}
