package dev.certsonar.schemas.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class AddressesTest {

    @Test
    void literalsAreReadWithoutDns() {
        assertThat(Addresses.literal("192.0.2.7")).map(InetAddress::getHostAddress).hasValue("192.0.2.7");
        assertThat(Addresses.literal("[2001:db8::1]")).map(Addresses::text).hasValue("2001:db8::1");
        assertThat(Addresses.literal("10.0.0.256")).isEmpty();
        assertThat(Addresses.literal("localhost")).as("a name is not a literal, and is not looked up").isEmpty();
        assertThat(Addresses.literal("1::2::3")).isEmpty();
    }

    @Test
    void addressesArePrintedInTheirShortestForm() throws Exception {
        assertThat(Addresses.text(InetAddress.getByName("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(Addresses.text(InetAddress.getByName("::1"))).isEqualTo("::1");
        assertThat(Addresses.text(InetAddress.getByName("fe80::"))).isEqualTo("fe80::");
        assertThat(Addresses.withPort(InetAddress.getByName("::1"), 443)).isEqualTo("[::1]:443");
        assertThat(Addresses.withPort(InetAddress.getByName("127.0.0.1"), 443)).isEqualTo("127.0.0.1:443");
    }
}
