package dev.certsonar.scanner.worker;

import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Target;

import java.util.List;

/**
 * Probes one target and returns one observation per endpoint found. {@code ProbeEngine::scan} is one.
 * Failures of a probe are data (an observation with its outcome); an exception means the target could not be scanned at all.
 */
@FunctionalInterface
public interface TargetScanner {
    List<Observation> scan(Target target, String scanId) throws Exception;
}
