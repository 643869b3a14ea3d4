package dev.certsonar.scanner.net;

import dev.certsonar.schemas.net.Addresses;
import dev.certsonar.schemas.net.Cidr;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses the scanner may touch: never one in a denied range; when allowed ranges are given, only those.
 * Denial wins over allowance.
 */
public record AddressPolicy(List<Cidr> deny, List<Cidr> allow) {

    public AddressPolicy {
        deny = List.copyOf(deny);
        allow = List.copyOf(allow);
    }

    /** Parses CIDR texts; a bad one is an error naming the setting and the value. */
    public static AddressPolicy of(List<String> deny, List<String> allow) {
        return new AddressPolicy(parse("scanner.deny", deny), parse("scanner.allow", allow));
    }

    private static List<Cidr> parse(String key, List<String> texts) {
        return texts.stream().map(t -> {
            try {
                return Cidr.parse(t);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
            }
        }).toList();
    }

    /** Why the address may not be probed; empty when it may. */
    public Optional<String> refusal(InetAddress address) {
        for (Cidr c : deny) {
            if (c.contains(address)) {
                return Optional.of(Addresses.text(address) + " is in the denied range " + c);
            }
        }
        if (!allow.isEmpty() && allow.stream().noneMatch(c -> c.contains(address))) {
            return Optional.of(Addresses.text(address) + " is outside the allowed ranges " + allow);
        }
        return Optional.empty();
    }
}
