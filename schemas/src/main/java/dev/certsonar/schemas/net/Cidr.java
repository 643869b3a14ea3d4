package dev.certsonar.schemas.net;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CIDR range such as {@code 10.0.0.0/24} or {@code fe80::/10}; a single address is a full-length range. Target hosts,
 * the scanner's deny and allow lists and the aggregator's blocks of a large range are all read and written here.
 */
public record Cidr(InetAddress network, int prefix) {

    /** Addresses a range may hold unless large ranges are allowed: those of a /16. */
    public static final BigInteger LARGE = BigInteger.valueOf(65536);

    private static final Pattern DOTTED = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");
    private static final int MAPPED_PREFIX = 96;

    public Cidr {
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("prefix length " + prefix + " is out of range for " + network.getHostAddress());
        }
        network = mask(network, prefix);
    }

    /**
     * Parses {@code address/prefix} or a bare address, IPv4 or IPv6; only literal addresses, never a name, so DNS is
     * never asked. An IPv4-mapped range ({@code ::ffff:192.0.2.0/120}) is the IPv4 range it maps
     * ({@code 192.0.2.0/24}), as the addresses of IPv4 peers are IPv4 addresses.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an empty CIDR range");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        InetAddress a = Addresses.literal(address).orElseThrow(() -> notAnAddress(text, address));
        boolean mapped = a instanceof Inet4Address && address.indexOf(':') >= 0;
        int bits = mapped ? 128 : a.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String digits = s.substring(slash + 1);
            if (!PREFIX.matcher(digits).matches() || Integer.parseInt(digits) > bits) {
                throw new IllegalArgumentException(quoted(text) + " is not a CIDR range: the prefix length must be 0 to " + bits);
            }
            prefix = Integer.parseInt(digits);
        }
        if (mapped) {
            if (prefix < MAPPED_PREFIX) {
                throw new IllegalArgumentException(quoted(text) + " is not a CIDR range: an IPv4-mapped range needs a prefix length of "
                        + MAPPED_PREFIX + " to 128");
            }
            prefix -= MAPPED_PREFIX;
        }
        return new Cidr(a, prefix);
    }

    /**
     * The range a target's host names, such as {@code 10.0.0.0/16}; empty for a DNS name, for a single address written
     * without a prefix length, and for text that is no valid range.
     */
    public static Optional<Cidr> ofHost(String host) {
        if (host == null || host.indexOf('/') < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(host));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static IllegalArgumentException notAnAddress(String text, String address) {
        Matcher dotted = DOTTED.matcher(address.strip());
        if (dotted.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(dotted.group(i)) > 255) {
                    return new IllegalArgumentException(quoted(text) + " is not a CIDR range: " + dotted.group(i)
                            + " is not an IPv4 octet");
                }
            }
        }
        return new IllegalArgumentException(quoted(text)
                + " is not a CIDR range (write an address and a prefix length, like 10.0.0.0/8 or fe80::/10)");
    }

    private static String quoted(String text) {
        return '"' + text + '"';
    }

    /** 32 for an IPv4 range, 128 for an IPv6 one. */
    public int bits() {
        return network.getAddress().length * 8;
    }

    /** Whether the address is in the range; an address of the other family never is. */
    public boolean contains(InetAddress address) {
        if (address.getAddress().length != network.getAddress().length) {
            return false;
        }
        return mask(address, prefix).equals(network);
    }

    /** Number of addresses in the range. */
    public BigInteger size() {
        return BigInteger.ONE.shiftLeft(bits() - prefix);
    }

    /**
     * The addresses to probe, lazily: for IPv4 ranges of more than two addresses, the network and broadcast
     * addresses are left out.
     */
    public Iterable<InetAddress> hosts() {
        BigInteger first = new BigInteger(1, network.getAddress());
        BigInteger start = first;
        BigInteger end = first.add(size());
        if (leavesOutNetworkAndBroadcast()) {
            start = start.add(BigInteger.ONE);
            end = end.subtract(BigInteger.ONE);
        }
        BigInteger from = start;
        BigInteger to = end;
        int length = network.getAddress().length;
        return () -> new Iterator<>() {
            BigInteger next = from;

            @Override
            public boolean hasNext() {
                return next.compareTo(to) < 0;
            }

            @Override
            public InetAddress next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                InetAddress a = toAddress(next, length);
                next = next.add(BigInteger.ONE);
                return a;
            }
        };
    }

    /** How many addresses {@link #hosts()} yields. */
    public BigInteger hostCount() {
        return leavesOutNetworkAndBroadcast() ? size().subtract(BigInteger.TWO) : size();
    }

    private boolean leavesOutNetworkAndBroadcast() {
        return bits() == 32 && size().compareTo(BigInteger.TWO) > 0;
    }

    /**
     * Why the range may not be scanned unless large ranges are allowed: it holds more than {@link #LARGE} addresses, more
     * than a /16. Empty when it may.
     */
    public Optional<String> tooLarge() {
        if (hostCount().compareTo(LARGE) <= 0) {
            return Optional.empty();
        }
        return Optional.of("the range " + this + " holds " + hostCount() + " addresses, more than a /16");
    }

    /**
     * The prefix length of the blocks of at most {@code maxAddresses} addresses each (exactly that many when it is a power
     * of two) that the range splits into; the range's own prefix length when it holds no more than that.
     */
    public int blockPrefix(int maxAddresses) {
        int hostBits = 31 - Integer.numberOfLeadingZeros(Math.max(1, maxAddresses));
        return Math.max(prefix, bits() - hostBits);
    }

    /** How many blocks of that prefix length the range holds. */
    public BigInteger blocks(int blockPrefix) {
        checkBlockPrefix(blockPrefix);
        return BigInteger.ONE.shiftLeft(blockPrefix - prefix);
    }

    /** The {@code index}-th block of that prefix length, counted from the range's first address. */
    public Cidr block(int blockPrefix, long index) {
        checkBlockPrefix(blockPrefix);
        if (index < 0 || BigInteger.valueOf(index).compareTo(blocks(blockPrefix)) >= 0) {
            throw new IllegalArgumentException("block " + index + " of " + this + " in /" + blockPrefix + " blocks does not exist");
        }
        BigInteger start = new BigInteger(1, network.getAddress())
                .add(BigInteger.valueOf(index).shiftLeft(bits() - blockPrefix));
        return new Cidr(toAddress(start, network.getAddress().length), blockPrefix);
    }

    private void checkBlockPrefix(int blockPrefix) {
        if (blockPrefix < prefix || blockPrefix > bits()) {
            throw new IllegalArgumentException("blocks of " + this + " need a prefix length of " + prefix + " to " + bits()
                    + ", not " + blockPrefix);
        }
    }

    /** {@code 10.0.0.0/24}, {@code 2001:db8::/32}: the network address in its shortest form and the prefix length. */
    @Override
    public String toString() {
        return Addresses.text(network) + "/" + prefix;
    }

    private static InetAddress toAddress(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return byAddress(out);
    }

    private static InetAddress mask(InetAddress address, int prefix) {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] = (byte) (b[i] & (0xff << (8 - keep)));
        }
        return byAddress(b);
    }

    /** The address of these bytes; 16 bytes stay an IPv6 address even when they are an IPv4-mapped one. */
    private static InetAddress byAddress(byte[] bytes) {
        try {
            return bytes.length == 16 ? Inet6Address.getByAddress(null, bytes, -1) : InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
        }
    }
}
