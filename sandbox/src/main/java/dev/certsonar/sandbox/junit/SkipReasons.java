package dev.certsonar.sandbox.junit;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prints why a test did not run: a disabled test's reason, or the message of a failed assumption.
 * Registered through {@code META-INF/services}, so every test run that has the sandbox on its
 * class path says in its output why each skipped test was skipped.
 */
public final class SkipReasons implements TestExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(SkipReasons.class);

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        log.warn("SKIPPED {}: {}", name(test), reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            String reason = result.getThrowable().map(Throwable::getMessage).orElse("aborted");
            log.warn("SKIPPED {}: {}", name(test), reason);
        }
    }

    private static String name(TestIdentifier test) {
        return test.getSource()
                .map(source -> switch (source) {
                    case MethodSource method -> method.getClassName() + "." + method.getMethodName();
                    case ClassSource type -> type.getClassName();
                    default -> test.getDisplayName();
                })
                .orElse(test.getDisplayName());
    }
}
