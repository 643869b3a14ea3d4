package dev.certsonar.cli;

import dev.certsonar.cli.config.ConfigException;
import dev.certsonar.cli.inspect.InputProblem;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.schemas.InvalidValueException;
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
                ScannersCommand.class,
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

    /**
     * A command that threw: a usage, configuration or input error is its message on stderr, nothing more; anything
     * else is a failure of certsonar's own, a one-line message on stderr and the error with its stack trace in the log
     * at ERROR, so a bug never reads like a mistake of the user's.
     */
    private static int handleExecutionException(Exception error, CommandLine command, CommandLine.ParseResult parsed) {
        String name = command.getCommandSpec().qualifiedName();
        if (isUserError(error)) {
            command.getErr().println(name + ": " + error.getMessage());
            log.debug("{} stopped on a usage, configuration or input error", name, error);
        } else {
            command.getErr().println(name + ": failed: " + firstLine(error.toString()) + " (the log has the details)");
            log.error("{} failed", name, error);
        }
        command.getErr().flush();
        return EXIT_USAGE;
    }

    /**
     * Whether an error is the user's to fix: a configuration ({@link ConfigException}), a value that breaks a record's
     * rule ({@link InvalidValueException}), the command line ({@link CommandLine.ParameterException}), a target
     * ({@link TargetSpecs.InvalidTargetSpecException}) or an input file ({@link InputProblem}). Any other exception,
     * an {@link IllegalArgumentException} included, is certsonar's own failure.
     */
    static boolean isUserError(Throwable error) {
        return error instanceof ConfigException || error instanceof InvalidValueException
                || error instanceof CommandLine.ParameterException || error instanceof TargetSpecs.InvalidTargetSpecException
                || error instanceof InputProblem;
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline).strip();
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

    /** certsonar's version, as its build recorded it, or {@code (development build)}. */
    public static String version() {
        Properties properties = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("/META-INF/maven/dev.certsonar/certsonar-cli/pom.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "(development build)";
        }
        return properties.getProperty("version", "(development build)");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"certsonar " + version()};
        }
    }
}
