package dev.certsonar.scanner.probe;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

    static List<String> hosts(String cidr) {
        List<String> out = new ArrayList<>();
        Cidr.parse(cidr).hosts().forEach(a -> out.add(Addresses.text(a)));
        return out;
    }

    @Test
    void ipv4RangesLeaveOutNetworkAndBroadcast() {
        assertThat(hosts("10.0.0.0/30")).containsExactly("10.0.0.1", "10.0.0.2");
        assertThat(hosts("10.0.0.7/31")).containsExactly("10.0.0.6", "10.0.0.7");
        assertThat(hosts("10.0.0.7/32")).containsExactly("10.0.0.7");
        assertThat(Cidr.parse("10.0.0.0/16").hostCount()).isEqualTo(BigInteger.valueOf(65534));
        assertThat(Cidr.parse("10.0.0.0/24").toString()).isEqualTo("10.0.0.0/24");
        assertThat(Cidr.parse("10.1.2.3/8").toString()).isEqualTo("10.0.0.0/8");
    }

    @Test
    void ipv6Ranges() throws Exception {
        assertThat(hosts("2001:db8::/126")).containsExactly("2001:db8::", "2001:db8::1", "2001:db8::2", "2001:db8::3");
        Cidr linkLocal = Cidr.parse("fe80::/10");
        assertThat(linkLocal.contains(InetAddress.getByName("fe80::1"))).isTrue();
        assertThat(linkLocal.contains(InetAddress.getByName("2001:db8::1"))).isFalse();
        assertThat(linkLocal.contains(InetAddress.getByName("10.0.0.1"))).isFalse();
    }

    @Test
    void badRangesAreNamed() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> Cidr.parse("example.com/24")).hasMessageContaining("example.com/24");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("prefix");
    }

    @Test
    void defaultPolicyDeniesMetadataAndLinkLocal() throws Exception {
        AddressPolicy p = AddressPolicy.of(dev.certsonar.scanner.ScannerConfig.DEFAULT.deny(), List.of());
        assertThat(p.refusal(InetAddress.getByName("169.254.169.254"))).isPresent();
        assertThat(p.refusal(InetAddress.getByName("fe80::1"))).isPresent();
        assertThat(p.refusal(InetAddress.getByName("fd00:ec2::254"))).isPresent();
        assertThat(p.refusal(InetAddress.getByName("10.0.0.1"))).isEmpty();
        AddressPolicy allowOnly = AddressPolicy.of(List.of("10.0.0.5/32"), List.of("10.0.0.0/24"));
        assertThat(allowOnly.refusal(InetAddress.getByName("10.0.0.4"))).isEmpty();
        assertThat(allowOnly.refusal(InetAddress.getByName("10.0.0.5"))).get().asString().contains("denied");
        assertThat(allowOnly.refusal(InetAddress.getByName("10.0.1.4"))).get().asString().contains("outside");
    }
}
