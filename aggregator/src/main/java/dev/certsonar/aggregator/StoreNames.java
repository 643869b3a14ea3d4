package dev.certsonar.aggregator;

/** Names of the aggregator's state stores (also the names of their changelog topics, after the application id). */
public final class StoreNames {

    /** Target id → Target, as the scheduler knows them. */
    public static final String SCHEDULER_TARGETS = "scheduler-targets";
    /** Target id → epoch millis of its next scan (the by-name store of the scheduler's DueIndex). */
    public static final String SCHEDULER_DUE = "scheduler-due";
    /** Big-endian due millis + target id → target id: what is due next, in order (the by-time store of the DueIndex). */
    public static final String SCHEDULER_INDEX = "scheduler-index";
    /** Target id → index of the next block to request of a CIDR range being expanded. */
    public static final String SCHEDULER_EXPANSIONS = "scheduler-expansions";
    /** service|targetId → Target. */
    public static final String SERVICE_TARGETS = "service-targets";
    /** service|targetId|endpoint → the last Observation of the endpoint, in Avro single-object encoding. */
    public static final String ENDPOINTS = "endpoints";
    /** service → ServiceStatus as last computed, in Avro single-object encoding (the bytes written to service-status). */
    public static final String SERVICES = "services";
    /** Big-endian millis + service → service: when a service's status next changes by time alone (by time, of a DueIndex). */
    public static final String TRANSITION_INDEX = "transition-index";
    /** service → epoch millis of its entry in the transition index (by name, of the same DueIndex). */
    public static final String NEXT_TRANSITION = "next-transition";
    /** Big-endian millis + service|targetId → service|targetId: when the memory of a removed target ends (by time, of a DueIndex). */
    public static final String REMOVED_TARGETS_INDEX = "removed-targets-index";
    /** service|targetId → epoch millis when the memory of the target's removal ends (by name, of the same DueIndex). */
    public static final String REMOVED_TARGETS = "removed-targets";
    /** sha256|service|targetId|endpoint → endpoint: where each certificate is served. */
    public static final String INVENTORY = "inventory";
    /** Exception id → AcceptedException as read from the exceptions topic (a table, partitioned by id). */
    public static final String EXCEPTIONS = "exceptions";
    /** Exception id → AcceptedException in Avro single-object encoding: the exceptions in force, each service-state task a copy. */
    public static final String EXCEPTIONS_IN_FORCE = "exceptions-in-force";
    /** Big-endian millis + exception id → id: when each exception in force ends (by time, of a DueIndex). */
    public static final String EXCEPTION_ENDS = "exception-ends";
    /** Exception id → epoch millis of its end (by name, of the same DueIndex). */
    public static final String EXCEPTION_END_AT = "exception-end-at";
    /** Service → what exception matchers are tested on, for the services that have conditions (see ExceptionScope). */
    public static final String EXCEPTION_CANDIDATES = "exception-candidates";
    /** AlertId → AlertLifecycle as the notifier publishes it on alert-states (a table, partitioned by alertId). */
    public static final String ALERT_STATES = "alert-states";
    /** Silence id → Silence as read from the silences topic (a table, partitioned by id). */
    public static final String SILENCES = "silences";
    /** Zone → since when its endpoints are held and when its last hold ended, as the service state holds them. */
    public static final String ZONE_HOLDS = "zone-holds";
    /** Target id → its zone, as the fleet counts targets per zone. */
    public static final String FLEET_TARGETS = "fleet-targets";
    /** Zone → its state as the fleet keeps it ({@code FleetProcessor}). */
    public static final String FLEET_ZONES = "fleet-zones";
    /** Scanner id → its latest heartbeat, as the fleet keeps it. */
    public static final String FLEET_SCANNERS = "fleet-scanners";
    /** The watchdog's first and last emission and their count. */
    public static final String FLEET_WATCHDOG = "fleet-watchdog";

    private StoreNames() {
    }
}
