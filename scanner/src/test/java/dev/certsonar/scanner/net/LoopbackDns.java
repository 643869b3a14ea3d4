package dev.certsonar.scanner.net;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A small authoritative DNS server on a loopback UDP port: answers A and AAAA for the names it is given, NXDOMAIN otherwise. */
public final class LoopbackDns implements AutoCloseable {

    private final DatagramSocket socket;
    private final Map<Name, List<InetAddress>> zone = new ConcurrentHashMap<>();
    private final Thread thread;

    public LoopbackDns() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = Thread.ofPlatform().daemon().name("loopback-dns").start(this::serve);
    }

    public LoopbackDns add(String name, InetAddress... addresses) throws IOException {
        zone.put(Name.fromString(name.endsWith(".") ? name : name + "."), List.of(addresses));
        return this;
    }

    /** {@code 127.0.0.1:port}, as a DNS server setting. */
    public String server() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    private void serve() {
        byte[] buf = new byte[512];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                Message query = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                Record question = query.getQuestion();
                Message answer = new Message(query.getHeader().getID());
                answer.getHeader().setFlag(Flags.QR);
                answer.getHeader().setFlag(Flags.AA);
                answer.addRecord(question, Section.QUESTION);
                List<InetAddress> addresses = zone.get(question.getName());
                if (addresses == null) {
                    answer.getHeader().setRcode(Rcode.NXDOMAIN);
                } else {
                    for (InetAddress a : addresses) {
                        if (question.getType() == Type.A && a instanceof Inet4Address) {
                            answer.addRecord(new ARecord(question.getName(), DClass.IN, 60, a), Section.ANSWER);
                        } else if (question.getType() == Type.AAAA && !(a instanceof Inet4Address)) {
                            answer.addRecord(new AAAARecord(question.getName(), DClass.IN, 60, a), Section.ANSWER);
                        }
                    }
                }
                byte[] wire = answer.toWire();
                socket.send(new DatagramPacket(wire, wire.length, p.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(2000);
    }
}
