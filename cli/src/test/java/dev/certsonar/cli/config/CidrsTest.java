package dev.certsonar.cli.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class CidrsTest {

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/8", "169.254.0.0/16", "192.0.2.7", "0.0.0.0/0", "fe80::/10", "fd00:ec2::254/128",
            "::1", "::/0", "2001:db8:0:0:0:0:0:1/64", "::ffff:192.0.2.1/128", "1:2:3:4:5:6:7::"})
    void rangesAndAddressesAreAccepted(String text) {
        assertThat(Cidrs.problem(text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.256/8", "10.0.0/8", "10.0.0.0/", "10.0.0.0/33", "fe80::/129", "example.com/24",
            "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::/16", "abc:def", "10.0.0.0/-1"})
    void otherTextIsRejected(String text) {
        assertThat(Cidrs.problem(text)).isPresent();
    }
}
