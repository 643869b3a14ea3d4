package dev.certsonar.scanner.tls;

/** How far a probe's TLS handshake goes. */
public enum HandshakeEnd {
    /** To the end, as any client: the server sees a completed handshake and a close_notify. */
    COMPLETE,
    /**
     * Ended by the client as soon as the server's certificate chain is captured (the version and cipher suite are known
     * from the ServerHello): no check of the server's signature, no key exchange, no Finished. About half the client's
     * CPU per probe; the server sees an aborted handshake.
     */
    AT_CERTIFICATE
}
