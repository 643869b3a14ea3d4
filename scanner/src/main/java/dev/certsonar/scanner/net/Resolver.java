package dev.certsonar.scanner.net;

import dev.certsonar.scanner.probe.Deadline;
import dev.certsonar.scanner.probe.Phase;
import dev.certsonar.scanner.probe.ProbeException;
import dev.certsonar.schemas.net.Addresses;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupFailedException;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

import java.net.IDN;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Resolves a name to every A and AAAA address, with a timeout, through the configured DNS servers (the system's when
 * none are given) after the hosts file. Names are absolute (no search path) and IDNs are looked up by their A-label.
 */
public final class Resolver {

    private final LookupSession session;

    public Resolver(List<String> servers, Duration timeout) {
        ExtendedResolver resolver;
        try {
            if (servers.isEmpty()) {
                resolver = new ExtendedResolver();
            } else {
                List<org.xbill.DNS.Resolver> list = new ArrayList<>();
                for (String s : servers) {
                    list.add(simple(s));
                }
                resolver = new ExtendedResolver(list);
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("scanner.dnsServers: " + e.getMessage(), e);
        }
        resolver.setTimeout(timeout);
        resolver.setRetries(1);
        session = LookupSession.builder().resolver(resolver).defaultHostsFileParser().clearCaches().build();
    }

    private static SimpleResolver simple(String server) throws UnknownHostException {
        String host = server.strip();
        int port = 53;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("scanner.dnsServers: '" + server + "' lacks a closing bracket");
            }
            if (host.length() > end + 1 && host.charAt(end + 1) == ':') {
                port = port(server, host.substring(end + 2));
            }
            host = host.substring(1, end);
        } else if (host.indexOf(':') > 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            port = port(server, host.substring(host.indexOf(':') + 1));
            host = host.substring(0, host.indexOf(':'));
        }
        InetAddress address = Addresses.literal(host).orElse(null);
        SimpleResolver r = address != null ? new SimpleResolver(new InetSocketAddress(address, port)) : new SimpleResolver(host);
        r.setPort(port);
        return r;
    }

    private static int port(String server, String text) {
        try {
            int p = Integer.parseInt(text);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("scanner.dnsServers: '" + server + "' has an invalid port");
        }
    }

    /** Every A and AAAA address of the name, IPv4 first; fails with {@link ProbeException.DnsFailed} or a timeout. */
    public List<InetAddress> resolve(String host, Deadline deadline, Duration phaseCap) throws ProbeException {
        Name name;
        try {
            String ascii = IDN.toASCII(host.endsWith(".") ? host : host + ".", IDN.ALLOW_UNASSIGNED);
            name = Name.fromString(ascii);
        } catch (TextParseException | IllegalArgumentException e) {
            throw new ProbeException.DnsFailed("'" + host + "' is not a valid DNS name: " + e.getMessage());
        }
        int wait = deadline.millisFor(Phase.DNS, phaseCap);
        CompletableFuture<LookupResult> a = session.lookupAsync(name, Type.A).toCompletableFuture();
        CompletableFuture<LookupResult> aaaa = session.lookupAsync(name, Type.AAAA).toCompletableFuture();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
        Set<InetAddress> addresses = new LinkedHashSet<>();
        List<Throwable> failures = new ArrayList<>();
        for (CompletableFuture<LookupResult> f : List.of(a, aaaa)) {
            try {
                LookupResult r = f.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                for (Record rec : r.getRecords()) {
                    if (rec instanceof ARecord ar) {
                        addresses.add(ar.getAddress());
                    } else if (rec instanceof AAAARecord ar) {
                        addresses.add(ar.getAddress());
                    }
                }
            } catch (TimeoutException e) {
                f.cancel(true);
                failures.add(e);
            } catch (ExecutionException e) {
                failures.add(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProbeException.Timeout(Phase.DNS, "interrupted while resolving " + host);
            }
        }
        if (!addresses.isEmpty()) {
            return List.copyOf(addresses);
        }
        if (failures.stream().anyMatch(t -> t instanceof TimeoutException || t instanceof java.io.InterruptedIOException
                || (t != null && t.getCause() instanceof java.io.InterruptedIOException))) {
            throw new ProbeException.DnsFailed("no answer from the DNS servers for " + host + " within " + wait + " ms");
        }
        if (failures.stream().allMatch(t -> t instanceof NoSuchDomainException)) {
            throw new ProbeException.DnsFailed(host + " does not exist (NXDOMAIN)");
        }
        if (failures.stream().allMatch(t -> t instanceof NoSuchDomainException || t instanceof NoSuchRRSetException)) {
            throw new ProbeException.DnsFailed(host + " has no A or AAAA record");
        }
        Throwable first = failures.stream().filter(t -> !(t instanceof LookupFailedException lf && lf instanceof NoSuchRRSetException))
                .findFirst().orElse(failures.get(0));
        throw new ProbeException.DnsFailed("resolving " + host + " failed: " + first);
    }
}
