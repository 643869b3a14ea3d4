package dev.certsonar.scanner.starttls;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.certsonar.scanner.probe.Outcomes;
import dev.certsonar.scanner.probe.ProbeException;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Protocol;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the STARTTLS exchanges with what a server says: the first byte picks the protocol, the rest is the server's
 * side of the conversation, read by the real preamble (its bounded line reader, {@link NumericReply}, the LDAP BER and
 * the XMPP tag readers) from memory. A preamble ends in one of three ways: it asks for TLS, it refuses with a
 * {@link ProbeException} of outcome NO_TLS or PROTOCOL_ERROR that names the problem, or it finds the connection closed
 * ({@link EOFException}); never another exception, never more than {@link Plain#MAX_BYTES} read. Seeds and past
 * findings: {@code StartTlsFuzzTestInputs/}; fuzzing: FUZZING.md.
 */
class StartTlsFuzzTest {

    /** The protocols with a plain-text exchange, in the order the first byte picks them. */
    static final List<Protocol> PROTOCOLS = List.of(Protocol.SMTP, Protocol.IMAP, Protocol.POP3, Protocol.FTP,
            Protocol.LDAP, Protocol.XMPP, Protocol.POSTGRES, Protocol.MYSQL);

    @FuzzTest
    void negotiatesWithAnyServer(byte[] input) {
        if (input.length == 0) {
            return;
        }
        Protocol protocol = PROTOCOLS.get((input[0] & 0xff) % PROTOCOLS.size());
        Memory server = new Memory(Arrays.copyOfRange(input, 1, input.length));
        try {
            Preambles.forProtocol(protocol).negotiate(server);
        } catch (ProbeException e) {
            assertThat(Outcomes.classify(e)).isIn(Outcome.NO_TLS, Outcome.PROTOCOL_ERROR);
            assertThat(e.getMessage()).isNotBlank();
        } catch (EOFException e) {
            assertThat(server.exhausted()).as("closed only at the end of what the server sent").isTrue();
        } catch (IOException e) {
            throw new AssertionError("an exception the probe does not classify: " + e, e);
        }
        assertThat(server.read).isLessThanOrEqualTo(Plain.MAX_BYTES);
    }

    /** A connection whose server has said these bytes and then closed. */
    private static final class Memory implements Preamble.Connection {

        private final byte[] said;
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private final InputStream in;
        private int read;

        Memory(byte[] said) {
            this.said = said;
            this.in = new InputStream() {
                private int at;

                @Override
                public int read() {
                    if (at >= said.length) {
                        return -1;
                    }
                    read++;
                    return said[at++] & 0xff;
                }
            };
        }

        boolean exhausted() {
            return read == said.length;
        }

        @Override
        public InputStream in() {
            return in;
        }

        @Override
        public OutputStream out() {
            return written;
        }

        @Override
        public String serverName() {
            return "svc.test";
        }

        @Override
        public int port() {
            return 0;
        }

        @Override
        public void setReadTimeout(Duration timeout) {
        }
    }
}
