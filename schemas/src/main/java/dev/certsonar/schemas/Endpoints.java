package dev.certsonar.schemas;

import dev.certsonar.schemas.avro.Endpoint;

/** How an endpoint is named to people and in keys: {@code 10.0.0.5:443 sni=pay.example.com}, {@code [::1]:443}. */
public final class Endpoints {

    private Endpoints() {
    }

    /** {@code address:port}, an IPv6 address in brackets, followed by {@code  sni=name} when an SNI name was sent. */
    public static String describe(Endpoint endpoint) {
        String address = endpoint.getAddress();
        String hostPort = address.indexOf(':') >= 0 ? "[" + address + "]:" + endpoint.getPort() : address + ":" + endpoint.getPort();
        return endpoint.getSni() == null ? hostPort : hostPort + " sni=" + endpoint.getSni();
    }

    /** The endpoint as a key component of a state store: the same text as {@link #describe}. */
    public static String key(Endpoint endpoint) {
        return describe(endpoint);
    }
}
