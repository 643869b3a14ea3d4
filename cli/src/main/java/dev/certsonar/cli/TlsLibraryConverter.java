package dev.certsonar.cli;

import dev.certsonar.scanner.tls.TlsLibrary;
import picocli.CommandLine;

/** Reads {@code --tls-library boringssl|jdk}. */
final class TlsLibraryConverter implements CommandLine.ITypeConverter<TlsLibrary> {
    @Override
    public TlsLibrary convert(String value) {
        try {
            return TlsLibrary.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
