package dev.certsonar.scanner.revocation;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.List;

/** A test's CA servers on loopback, new for each test, and what the test started, closed after it (last first). */
abstract class WithRevocationServers {

    RevocationServers http;
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void startServers() throws Exception {
        http = new RevocationServers();
    }

    @AfterEach
    void closeServers() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        http.close();
    }
}
