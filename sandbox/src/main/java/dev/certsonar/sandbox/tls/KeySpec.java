package dev.certsonar.sandbox.tls;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/**
 * The kind and size of a key to generate: {@code KeySpec.rsa(2048)}, {@code KeySpec.ec(256)}.
 *
 * @param algorithm "RSA", "EC" or "DSA"
 * @param bits      RSA modulus length (512 and up), EC curve size (256, 384 or 521), or DSA prime length (1024, 2048
 *                  or 3072)
 */
public record KeySpec(String algorithm, int bits) {

    public static final KeySpec RSA_2048 = rsa(2048);
    public static final KeySpec EC_256 = ec(256);

    public KeySpec {
        switch (algorithm) {
            case "RSA" -> {
                if (bits < 512) {
                    throw new IllegalArgumentException("RSA key size must be at least 512 bits, was " + bits);
                }
            }
            case "EC" -> {
                if (bits != 256 && bits != 384 && bits != 521) {
                    throw new IllegalArgumentException("EC key size must be 256, 384 or 521, was " + bits);
                }
            }
            case "DSA" -> {
                if (bits != 1024 && bits != 2048 && bits != 3072) {
                    throw new IllegalArgumentException("DSA key size must be 1024, 2048 or 3072, was " + bits);
                }
            }
            default -> throw new IllegalArgumentException("Key algorithm must be RSA, EC or DSA, was " + algorithm);
        }
    }

    public static KeySpec rsa(int bits) {
        return new KeySpec("RSA", bits);
    }

    public static KeySpec ec(int bits) {
        return new KeySpec("EC", bits);
    }

    public static KeySpec dsa(int bits) {
        return new KeySpec("DSA", bits);
    }

    /** The curve name for EC keys ({@code secp256r1}, ...). */
    public String curve() {
        if (!"EC".equals(algorithm)) {
            throw new IllegalStateException("An " + algorithm + " key has no curve");
        }
        return "secp" + bits + "r1";
    }

    /** The signature algorithm a certificate signed by a key of this kind uses unless told otherwise. */
    public String defaultSignatureAlgorithm() {
        return switch (algorithm) {
            case "RSA" -> "SHA256withRSA";
            case "DSA" -> "SHA256withDSA";
            default -> switch (bits) {
                case 256 -> "SHA256withECDSA";
                case 384 -> "SHA384withECDSA";
                default -> "SHA512withECDSA";
            };
        };
    }

    public KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if ("EC".equals(algorithm)) {
                generator.initialize(new ECGenParameterSpec(curve()));
            } else {
                generator.initialize(bits);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate a " + this + " key: " + e.getMessage(), e);
        }
    }

    /** The spec of an existing key pair. */
    public static KeySpec of(KeyPair keyPair) {
        var key = keyPair.getPublic();
        if (key instanceof java.security.interfaces.RSAPublicKey rsa) {
            return rsa(rsa.getModulus().bitLength());
        }
        if (key instanceof java.security.interfaces.ECPublicKey ec) {
            return ec(ec.getParams().getCurve().getField().getFieldSize());
        }
        if (key instanceof java.security.interfaces.DSAPublicKey dsa) {
            return dsa(dsa.getParams().getP().bitLength());
        }
        throw new IllegalArgumentException("Unsupported key algorithm " + key.getAlgorithm() + " (RSA, EC or DSA)");
    }

    @Override
    public String toString() {
        return algorithm + "-" + bits;
    }
}
