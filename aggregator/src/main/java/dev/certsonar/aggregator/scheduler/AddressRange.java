package dev.certsonar.aggregator.scheduler;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * A CIDR range split into blocks of at most {@code blockSize} addresses, so a large range is scanned as
 * many small requests, spread over time and over scanner workers.
 *
 * @param network the range's first address as an unsigned number
 * @param bits    32 for IPv4, 128 for IPv6
 * @param prefix  the range's prefix length
 */
record AddressRange(BigInteger network, int bits, int prefix) {

    /** The range in a target host such as {@code 10.0.0.0/16}; empty for a name or a single address. */
    static Optional<AddressRange> parse(String host) {
        int slash = host.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        String address = host.substring(0, slash);
        if (!address.contains(":") && !address.matches("[0-9.]+")) {
            return Optional.empty();
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            int bits = bytes.length * 8;
            int prefix = Integer.parseInt(host.substring(slash + 1));
            if (prefix < 0 || prefix > bits) {
                return Optional.empty();
            }
            BigInteger value = new BigInteger(1, bytes);
            BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                    .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
            return Optional.of(new AddressRange(value.and(mask), bits, prefix));
        } catch (UnknownHostException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The prefix length of blocks of at most {@code blockSize} addresses (a power of two is exact). */
    int blockPrefix(int blockSize) {
        int hostBits = 31 - Integer.numberOfLeadingZeros(Math.max(1, blockSize));
        return Math.max(prefix, bits - hostBits);
    }

    /** How many blocks of that prefix the range holds. */
    BigInteger blocks(int blockPrefix) {
        return BigInteger.ONE.shiftLeft(blockPrefix - prefix);
    }

    /** The {@code index}-th block, as CIDR text. */
    String block(int blockPrefix, long index) {
        BigInteger start = network.add(BigInteger.valueOf(index).shiftLeft(bits - blockPrefix));
        byte[] raw = start.toByteArray();
        byte[] bytes = new byte[bits / 8];
        int copy = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
        try {
            return InetAddress.getByAddress(bytes).getHostAddress() + "/" + blockPrefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
        }
    }
}
