package dev.certsonar.scanner.judge;

import java.util.Arrays;

/** Bytes as a value (equal by content, ordered byte by byte): an encoding or a fingerprint as a key. */
record Bytes(byte[] value) implements Comparable<Bytes> {

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes b && Arrays.equals(value, b.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public int compareTo(Bytes o) {
        return Arrays.compare(value, o.value);
    }

    @Override
    public String toString() {
        return java.util.HexFormat.of().formatHex(value);
    }
}
