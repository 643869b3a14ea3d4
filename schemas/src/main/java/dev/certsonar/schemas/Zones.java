package dev.certsonar.schemas;

import dev.certsonar.schemas.avro.Target;

import java.util.regex.Pattern;

/**
 * Zones: the networks scanners run in. A target's zone says which scanners can reach it; the scanners started with
 * {@code --zone NAME} consume only that zone's scan requests. A zone's name is part of a topic name
 * ({@link Topics#scanRequests(String)}), so it has Kafka's topic characters only.
 */
public final class Zones {

    /** The zone of a target that names none; its requests stay on the {@code scan-requests} topic. */
    public static final String DEFAULT = "default";
    /** The longest zone name. */
    public static final int MAX_LENGTH = 64;
    /** The prefix of a zone's service on service-status: {@code zone:NAME}. */
    public static final String SERVICE_PREFIX = "zone:";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private Zones() {
    }

    /**
     * The zone name, checked.
     *
     * @throws InvalidValueException naming {@code zone} when it is blank, too long or has characters other than
     *                               letters, digits, '.', '_' and '-' (not first)
     */
    public static String check(String zone) {
        if (zone == null || zone.isEmpty()) {
            throw new InvalidValueException("zone", "is empty (leave it out for zone '" + DEFAULT + "')");
        }
        if (zone.length() > MAX_LENGTH) {
            throw new InvalidValueException("zone", "'" + zone.substring(0, 16) + "...' has " + zone.length()
                    + " characters, at most " + MAX_LENGTH + " are allowed");
        }
        if (!NAME.matcher(zone).matches()) {
            throw new InvalidValueException("zone", "'" + zone + "' may only have letters, digits, '.', '_' and '-' "
                    + "(and starts with a letter or digit)");
        }
        return zone;
    }

    /** The target's zone, {@link #DEFAULT} when it names none. */
    public static String of(Target target) {
        String zone = target.getZone();
        return zone == null || zone.isEmpty() ? DEFAULT : zone;
    }

    /** The name of the zone's service on service-status. */
    public static String service(String zone) {
        return SERVICE_PREFIX + zone;
    }

    /** Whether the service is a zone's. */
    public static boolean isZoneService(String service) {
        return service != null && service.startsWith(SERVICE_PREFIX);
    }
}
