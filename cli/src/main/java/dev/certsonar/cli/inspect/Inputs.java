package dev.certsonar.cli.inspect;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The inputs of {@code inspect} as the command line names them: a file, a folder (each file in it, not the folders
 * inside; files of other kinds are skipped with the reason), or {@code -} for standard input. An input named on the
 * command line that holds no certificate is an error; inside a folder it is skipped.
 */
public final class Inputs {

    /** The name standard input goes by in messages and lines. */
    public static final String STDIN = "stdin";

    /** What one input gave. */
    public sealed interface Result {
        String name();
    }

    /** Certificates, in groups stored together ({@link CertificateFiles#read}). */
    public record Found(String name, List<List<StoredCertificate>> groups) implements Result {
    }

    /** A file in a folder that is not a certificate file, and why. */
    public record Skipped(String name, String reason) implements Result {
    }

    /** An input that could not be read, and why. */
    public record Failed(String name, String reason) implements Result {
    }

    private final KeystorePassword password;
    private final InputStream stdin;

    public Inputs(KeystorePassword password, InputStream stdin) {
        this.password = password;
        this.stdin = stdin;
    }

    /** Reads one input named on the command line, giving what each file gave to the sink, in order. */
    public void read(String argument, Consumer<Result> sink) {
        if ("-".equals(argument)) {
            sink.accept(stdin());
            return;
        }
        Path path;
        try {
            path = Path.of(argument);
        } catch (InvalidPathException e) {
            sink.accept(new Failed(argument, "not a valid path (" + e.getReason() + ")"));
            return;
        }
        if (Files.isDirectory(path)) {
            folder(path, sink);
        } else {
            sink.accept(file(path, false));
        }
    }

    private void folder(Path folder, Consumer<Result> sink) {
        List<Path> entries;
        try (Stream<Path> list = Files.list(folder)) {
            entries = list.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            sink.accept(new Failed(folder.toString(), "the folder cannot be read (" + reason(e) + ")"));
            return;
        }
        if (entries.isEmpty()) {
            sink.accept(new Failed(folder.toString(), "an empty folder"));
            return;
        }
        boolean anyRead = false;
        for (Path p : entries) {
            Result r;
            if (Files.isDirectory(p)) {
                r = new Skipped(p.toString(), "a folder (the folders inside a folder are not read)");
            } else if (!Files.isRegularFile(p)) {
                r = new Skipped(p.toString(), "not a regular file");
            } else {
                r = file(p, true);
            }
            anyRead |= !(r instanceof Skipped);
            sink.accept(r);
        }
        if (!anyRead) {
            sink.accept(new Failed(folder.toString(), "no certificate file in the folder (" + entries.size()
                    + (entries.size() == 1 ? " entry" : " entries") + " skipped)"));
        }
    }

    /** A file, read as a stream so that a named pipe ({@code <(kubectl get secret ...)}) works too. */
    private Result file(Path file, boolean inFolder) {
        String name = file.toString();
        try (InputStream in = Files.newInputStream(file)) {
            return read(name, in, inFolder);
        } catch (NoSuchFileException e) {
            return new Failed(name, "no such file or folder");
        } catch (IOException e) {
            return new Failed(name, "cannot be read (" + reason(e) + ")");
        }
    }

    private Result stdin() {
        try {
            return read(STDIN, stdin, false);
        } catch (IOException e) {
            return new Failed(STDIN, "cannot be read (" + reason(e) + ")");
        }
    }

    private Result read(String name, InputStream in, boolean inFolder) throws IOException {
        byte[] data = in.readNBytes(CertificateFiles.MAX_BYTES + 1);
        if (data.length > CertificateFiles.MAX_BYTES) {
            return problem(name, InputProblem.notCertificates("more than " + CertificateFiles.MAX_BYTES / (1024 * 1024) + " MiB"),
                    inFolder);
        }
        return read(name, data, inFolder);
    }

    private Result read(String name, byte[] data, boolean inFolder) {
        try {
            return new Found(name, CertificateFiles.read(data, password));
        } catch (InputProblem e) {
            return problem(name, e, inFolder);
        }
    }

    private static Result problem(String name, InputProblem e, boolean inFolder) {
        return inFolder && e.notCertificates() ? new Skipped(name, e.getMessage()) : new Failed(name, e.getMessage());
    }

    private static String reason(IOException e) {
        return e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
    }
}
