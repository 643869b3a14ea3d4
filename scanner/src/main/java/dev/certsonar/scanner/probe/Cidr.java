package dev.certsonar.scanner.probe;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** A CIDR range such as {@code 10.0.0.0/24} or {@code fe80::/10}; a single address is a full-length range. */
public record Cidr(InetAddress network, int prefix) {

    public Cidr {
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("prefix length " + prefix + " is out of range for " + network.getHostAddress());
        }
        network = mask(network, prefix);
    }

    /** Parses {@code address/prefix} or a bare address; only literal addresses, never a name. */
    public static Cidr parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        InetAddress a = Addresses.literal(addr)
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not an address or CIDR range"));
        int bits = a.getAddress().length * 8;
        int prefix;
        if (slash < 0) {
            prefix = bits;
        } else {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + text + "': prefix length must be 0 to " + bits);
            }
        }
        return new Cidr(a, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        return mask(address, prefix).equals(network);
    }

    /** Number of addresses in the range. */
    public BigInteger size() {
        return BigInteger.ONE.shiftLeft(network.getAddress().length * 8 - prefix);
    }

    /**
     * The addresses to probe, lazily: for IPv4 ranges of more than two addresses, the network and broadcast
     * addresses are left out.
     */
    public Iterable<InetAddress> hosts() {
        boolean v4 = network.getAddress().length == 4;
        BigInteger first = new BigInteger(1, network.getAddress());
        BigInteger size = size();
        BigInteger start = first;
        BigInteger end = first.add(size);
        if (v4 && size.compareTo(BigInteger.TWO) > 0) {
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
        BigInteger size = size();
        return network.getAddress().length == 4 && size.compareTo(BigInteger.TWO) > 0 ? size.subtract(BigInteger.TWO) : size;
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefix;
    }

    private static InetAddress toAddress(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        try {
            return InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress mask(InetAddress address, int prefix) {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] = (byte) (b[i] & (0xff << (8 - keep)));
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
