package dev.certsonar.scanner.net;

import dev.certsonar.scanner.ScannerConfig;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressPolicyTest {

    @Test
    void defaultPolicyDeniesMetadataAndLinkLocal() throws Exception {
        AddressPolicy p = AddressPolicy.of(ScannerConfig.DEFAULT.deny(), List.of());
        assertThat(p.refusal(InetAddress.getByName("169.254.169.254"))).isPresent();
        assertThat(p.refusal(InetAddress.getByName("fe80::1"))).isPresent();
        assertThat(p.refusal(InetAddress.getByName("fd00:ec2::254"))).isPresent();
        assertThat(p.refusal(InetAddress.getByName("10.0.0.1"))).isEmpty();
    }

    @Test
    void denialWinsOverAllowance() throws Exception {
        AddressPolicy allowOnly = AddressPolicy.of(List.of("10.0.0.5/32"), List.of("10.0.0.0/24", "2001:db8::/32"));
        assertThat(allowOnly.refusal(InetAddress.getByName("10.0.0.4"))).isEmpty();
        assertThat(allowOnly.refusal(InetAddress.getByName("2001:db8::7"))).isEmpty();
        assertThat(allowOnly.refusal(InetAddress.getByName("10.0.0.5"))).hasValue("10.0.0.5 is in the denied range 10.0.0.5/32");
        assertThat(allowOnly.refusal(InetAddress.getByName("10.0.1.4"))).get().asString()
                .isEqualTo("10.0.1.4 is outside the allowed ranges [10.0.0.0/24, 2001:db8::/32]");
    }

    @Test
    void aBadRangeNamesTheSetting() {
        assertThatThrownBy(() -> AddressPolicy.of(List.of("10.0.0.0/8", "10.0.0.0/33"), List.of()))
                .hasMessage("scanner.deny: \"10.0.0.0/33\" is not a CIDR range: the prefix length must be 0 to 32");
        assertThatThrownBy(() -> AddressPolicy.of(List.of(), List.of("intranet.example.com/24")))
                .hasMessageStartingWith("scanner.allow: \"intranet.example.com/24\" is not a CIDR range");
    }
}
