package dev.certsonar.schemas.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

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
        assertThat(hosts("10.0.0.7")).containsExactly("10.0.0.7");
        assertThat(Cidr.parse("10.0.0.0/16").hostCount()).isEqualTo(BigInteger.valueOf(65534));
        assertThat(Cidr.parse("10.0.0.0/24").toString()).isEqualTo("10.0.0.0/24");
        assertThat(Cidr.parse("10.1.2.3/8").toString()).isEqualTo("10.0.0.0/8");
        assertThat(Cidr.parse(" 192.0.2.7 ").toString()).isEqualTo("192.0.2.7/32");
    }

    @Test
    void ipv6Ranges() throws Exception {
        assertThat(hosts("2001:db8::/126")).containsExactly("2001:db8::", "2001:db8::1", "2001:db8::2", "2001:db8::3");
        Cidr linkLocal = Cidr.parse("fe80::/10");
        assertThat(linkLocal.bits()).isEqualTo(128);
        assertThat(linkLocal.toString()).isEqualTo("fe80::/10");
        assertThat(linkLocal.contains(InetAddress.getByName("fe80::1"))).isTrue();
        assertThat(linkLocal.contains(InetAddress.getByName("2001:db8::1"))).isFalse();
        assertThat(linkLocal.contains(InetAddress.getByName("10.0.0.1"))).isFalse();
        assertThat(Cidr.parse("2001:db8:0:0:0:0:0:1/64").toString()).isEqualTo("2001:db8::/64");
        assertThat(Cidr.parse("fd00:ec2::254/128").contains(InetAddress.getByName("fd00:ec2::254"))).isTrue();
    }

    @Test
    void anIpv4MappedRangeIsTheIpv4RangeItMaps() throws Exception {
        assertThat(Cidr.parse("::ffff:192.0.2.1/128").toString()).isEqualTo("192.0.2.1/32");
        assertThat(Cidr.parse("::ffff:192.0.2.0/120").toString()).isEqualTo("192.0.2.0/24");
        assertThat(Cidr.parse("::ffff:0:0/96").contains(InetAddress.getByName("203.0.113.9"))).isTrue();
        assertThatThrownBy(() -> Cidr.parse("::ffff:0:0/80")).hasMessage(
                "\"::ffff:0:0/80\" is not a CIDR range: an IPv4-mapped range needs a prefix length of 96 to 128");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/8", "169.254.0.0/16", "192.0.2.7", "0.0.0.0/0", "fe80::/10", "fd00:ec2::254/128",
            "::1", "::/0", "2001:db8:0:0:0:0:0:1/64", "::ffff:192.0.2.1/128", "1:2:3:4:5:6:7::", "[2001:db8::1]"})
    void rangesAndAddressesAreAccepted(String text) {
        assertThat(Cidr.parse(text)).isNotNull();
    }

    static Stream<Arguments> badRanges() {
        String write = " is not a CIDR range (write an address and a prefix length, like 10.0.0.0/8 or fe80::/10)";
        return Stream.of(
                argumentSet("empty", "", "an empty CIDR range"),
                argumentSet("blank", "  ", "an empty CIDR range"),
                argumentSet("octet above 255", "10.0.0.256/8", "\"10.0.0.256/8\" is not a CIDR range: 256 is not an IPv4 octet"),
                argumentSet("three octets", "10.0.0/8", "\"10.0.0/8\"" + write),
                argumentSet("no prefix after the slash", "10.0.0.0/", "\"10.0.0.0/\" is not a CIDR range: the prefix length must be 0 to 32"),
                argumentSet("IPv4 prefix too long", "10.0.0.0/33", "\"10.0.0.0/33\" is not a CIDR range: the prefix length must be 0 to 32"),
                argumentSet("negative prefix", "10.0.0.0/-1", "\"10.0.0.0/-1\" is not a CIDR range: the prefix length must be 0 to 32"),
                argumentSet("prefix not a number", "10.0.0.0/x", "\"10.0.0.0/x\" is not a CIDR range: the prefix length must be 0 to 32"),
                argumentSet("IPv6 prefix too long", "fe80::/129", "\"fe80::/129\" is not a CIDR range: the prefix length must be 0 to 128"),
                argumentSet("a name", "example.com/24", "\"example.com/24\"" + write),
                argumentSet("two double colons", "1::2::3", "\"1::2::3\"" + write),
                argumentSet("nine groups", "1:2:3:4:5:6:7:8:9", "\"1:2:3:4:5:6:7:8:9\"" + write),
                argumentSet("a group of five digits", "12345::/16", "\"12345::/16\"" + write),
                argumentSet("two groups", "abc:def", "\"abc:def\"" + write));
    }

    @ParameterizedTest
    @MethodSource("badRanges")
    void otherTextIsRejectedNamingTheProblem(String text, String message) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThatThrownBy(() -> Cidr.parse(null)).hasMessage("an empty CIDR range");
    }

    @Test
    void aRangeLargerThanASlash16IsTooLargeUnlessAllowed() {
        assertThat(Cidr.parse("10.0.0.0/16").tooLarge()).isEmpty();
        assertThat(Cidr.parse("10.0.0.0/15").tooLarge())
                .hasValue("the range 10.0.0.0/15 holds 131070 addresses, more than a /16");
        assertThat(Cidr.parse("10.0.0.0/8").tooLarge()).get().asString().contains("more than a /16");
        assertThat(Cidr.parse("2001:db8::/112").tooLarge()).isEmpty();
        assertThat(Cidr.parse("2001:db8::/111").tooLarge())
                .hasValue("the range 2001:db8::/111 holds 131072 addresses, more than a /16");
    }

    @Test
    void aTargetHostIsARangeOnlyWithAPrefixLength() {
        assertThat(Cidr.ofHost("10.0.0.0/22")).hasValue(Cidr.parse("10.0.0.0/22"));
        assertThat(Cidr.ofHost("2001:db8::/120")).hasValue(Cidr.parse("2001:db8::/120"));
        assertThat(Cidr.ofHost("10.0.0.5")).isEmpty();
        assertThat(Cidr.ofHost("2001:db8::1")).isEmpty();
        assertThat(Cidr.ofHost("shop.example.com")).isEmpty();
        assertThat(Cidr.ofHost("intranet.example.com/24")).isEmpty();
        assertThat(Cidr.ofHost("10.0.0.0/40")).isEmpty();
    }

    @Test
    void aRangeSplitsIntoBlocksOfAtMostSoManyAddresses() {
        Cidr range = Cidr.parse("10.0.0.0/22");
        int blockPrefix = range.blockPrefix(256);
        assertThat(blockPrefix).isEqualTo(24);
        assertThat(range.blocks(blockPrefix)).isEqualTo(BigInteger.valueOf(4));
        assertThat(List.of(range.block(blockPrefix, 0), range.block(blockPrefix, 3))).extracting(Cidr::toString)
                .containsExactly("10.0.0.0/24", "10.0.3.0/24");
        assertThat(range.blockPrefix(300)).as("not a power of two: blocks of the power below").isEqualTo(24);
        assertThat(range.blockPrefix(4096)).as("a range smaller than a block is one block").isEqualTo(22);
        assertThat(range.blocks(range.blockPrefix(4096))).isEqualTo(BigInteger.ONE);

        Cidr v6 = Cidr.parse("2001:db8::/112");
        int v6Prefix = v6.blockPrefix(256);
        assertThat(v6Prefix).isEqualTo(120);
        assertThat(v6.blocks(v6Prefix)).isEqualTo(BigInteger.valueOf(256));
        assertThat(v6.block(v6Prefix, 255).toString()).isEqualTo("2001:db8::ff00/120");

        assertThatThrownBy(() -> range.block(blockPrefix, 4)).hasMessageContaining("block 4 of 10.0.0.0/22");
        assertThatThrownBy(() -> range.blocks(20)).hasMessageContaining("prefix length of 22 to 32");
    }
}
