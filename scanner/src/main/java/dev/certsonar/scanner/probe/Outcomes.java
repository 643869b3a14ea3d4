package dev.certsonar.scanner.probe;

import dev.certsonar.schemas.avro.Outcome;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLProtocolException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The one place where a failure of a probe becomes an {@link Outcome} and words for a person. */
public final class Outcomes {

    private Outcomes() {
    }

    public static Outcome classify(Throwable t) {
        return switch (t) {
            case ProbeException.DnsFailed e -> Outcome.DNS_FAILED;
            case ProbeException.Timeout e -> Outcome.TIMEOUT;
            case ProbeException.Blocked e -> Outcome.BLOCKED_BY_POLICY;
            case ProbeException.NoTls e -> Outcome.NO_TLS;
            case ProbeException.Protocol e -> Outcome.PROTOCOL_ERROR;
            case UnknownHostException e -> Outcome.DNS_FAILED;
            case SocketTimeoutException e -> Outcome.TIMEOUT;
            case ClosedByInterruptException e -> Outcome.TIMEOUT;
            case ConnectException e -> Outcome.REFUSED;
            case NoRouteToHostException e -> Outcome.REFUSED;
            case PortUnreachableException e -> Outcome.REFUSED;
            case SSLException e when notTls(e) -> Outcome.NO_TLS;
            case SSLProtocolException e -> Outcome.PROTOCOL_ERROR;
            case SSLException e when BORINGSSL_PROTOCOL_ERRORS.contains(boringSslReason(e)) -> Outcome.PROTOCOL_ERROR;
            case SSLHandshakeException e -> Outcome.HANDSHAKE_FAILED;
            case SSLException e when e.getCause() != null && !(e.getCause() instanceof SSLException) -> classify(e.getCause());
            case SSLException e -> Outcome.HANDSHAKE_FAILED;
            case EOFException e -> Outcome.HANDSHAKE_FAILED;
            case SocketException e -> Outcome.HANDSHAKE_FAILED;
            case InterruptedException e -> Outcome.TIMEOUT;
            default -> Outcome.PROTOCOL_ERROR;
        };
    }

    /** BoringSSL's reasons for a server that breaks the protocol rather than declines the client's offer. */
    private static final Set<String> BORINGSSL_PROTOCOL_ERRORS = Set.of("EXCESSIVE_MESSAGE_SIZE", "DECODE_ERROR",
            "UNEXPECTED_MESSAGE", "UNEXPECTED_RECORD", "BAD_LENGTH", "BAD_PACKET_LENGTH", "DATA_LENGTH_TOO_LONG",
            "ENCRYPTED_LENGTH_TOO_LONG", "RECORD_TOO_LARGE", "PARSE_TLSEXT", "EXCESS_HANDSHAKE_DATA");

    /** Words for BoringSSL's reasons (its messages end with an upper-case reason such as {@code EXCESSIVE_MESSAGE_SIZE}). */
    private static final Map<String, String> BORINGSSL_WORDS = Map.of(
            "EXCESSIVE_MESSAGE_SIZE", "a handshake message of the server exceeds the maximum allowed size",
            "DECODE_ERROR", "the server sent a handshake message that cannot be decoded",
            "UNEXPECTED_MESSAGE", "the server sent a handshake message out of order",
            "UNEXPECTED_RECORD", "the server sent a record out of order",
            "WRONG_VERSION_NUMBER", "the server answered with an unexpected protocol version",
            "NO_SHARED_CIPHER", "no cipher suite in common with the server");

    private static boolean notTls(SSLException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return m.contains("unrecognized ssl message") || m.contains("plaintext connection")
                || m.contains("unsupported or unrecognized") || m.contains("not an ssl/tls record");
    }

    /** The reason code at the end of a BoringSSL error ({@code error:10000096:SSL routines:OPENSSL_internal:REASON}). */
    static String boringSslReason(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int at = m.indexOf(":OPENSSL_internal:");
        return at < 0 ? "" : m.substring(at + ":OPENSSL_internal:".length()).strip();
    }

    /** What went wrong, in words, naming the phase. */
    public static String describe(Throwable t, Phase phase) {
        String what = switch (t) {
            case ProbeException e -> e.getMessage();
            case SocketTimeoutException e -> "timed out during " + phase.text();
            case ConnectException e -> "connection refused";
            case NoRouteToHostException e -> "no route to host";
            case SSLException e when notTls(e) -> "the server does not speak TLS on this port (" + e.getMessage() + ")";
            case SSLException e when !boringSslReason(e).isEmpty() -> "TLS handshake failed: "
                    + BORINGSSL_WORDS.getOrDefault(boringSslReason(e), boringSslReason(e).toLowerCase(Locale.ROOT).replace('_', ' '))
                    + " (" + e.getMessage() + ")";
            case EOFException e -> "the server closed the connection during " + phase.text();
            case SSLException e when e.getCause() != null && e.getCause().getMessage() != null
                    && !e.getCause().getMessage().equals(e.getMessage()) && !String.valueOf(e.getMessage()).contains(e.getCause().getMessage()) ->
                    "TLS handshake failed: " + e.getMessage() + " (" + e.getCause().getMessage() + ")";
            case SSLException e -> "TLS handshake failed: " + e.getMessage();
            case SocketException e -> "the connection failed during " + phase.text() + ": " + e.getMessage();
            default -> t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        };
        return what;
    }
}
