package dev.certsonar.sandbox.junit;

import java.util.concurrent.atomic.AtomicReference;

import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real Kafka broker per test JVM, shared by every test class that uses this extension.
 *
 * <pre>{@code
 * @ExtendWith(KafkaBrokerExtension.class)
 * class PipelineIT {
 *     @Test
 *     void roundTrip(EmbeddedKafkaBroker broker) { ... broker.bootstrapServers() ... }
 * }
 * }</pre>
 *
 * The broker starts on first use and stops when the test run ends (it lives in the root
 * {@link ExtensionContext.Store}). Tests share it, so each test should use its own topic names,
 * for instance a prefix {@code "t-" + UUID.randomUUID() + "."}.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);
    private static final AtomicReference<SharedBroker> SHARED = new AtomicReference<>();

    /**
     * The broker of this test JVM, started if it is not running yet. Prefer a parameter of type
     * {@link EmbeddedKafkaBroker}; this is for places without parameters, such as field initialisers.
     * The broker is stopped at the end of the run only when a class of the run uses this extension.
     */
    public static EmbeddedKafkaBroker broker() {
        return shared().broker();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        register(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EmbeddedKafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        try {
            return register(extensionContext).broker();
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("The shared Kafka broker did not start: " + e.getMessage(), e);
        }
    }

    private static SharedBroker register(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedBroker.class, key -> shared(), SharedBroker.class);
    }

    private static SharedBroker shared() {
        SharedBroker current = SHARED.get();
        if (current != null) {
            return current;
        }
        SharedBroker created = new SharedBroker();
        return SHARED.compareAndSet(null, created) ? created : SHARED.get();
    }

    /** Starts the broker lazily once; closed by the root store at the end of the run. */
    private static final class SharedBroker implements AutoCloseable {
        private EmbeddedKafkaBroker broker;
        private boolean closed;

        synchronized EmbeddedKafkaBroker broker() {
            if (closed) {
                throw new IllegalStateException("The shared Kafka broker has already been stopped");
            }
            if (broker == null) {
                broker = EmbeddedKafkaBroker.builder().start();
            }
            return broker;
        }

        @Override
        public synchronized void close() {
            closed = true;
            SHARED.compareAndSet(this, null);
            if (broker != null) {
                broker.close();
                broker = null;
            }
        }
    }
}
