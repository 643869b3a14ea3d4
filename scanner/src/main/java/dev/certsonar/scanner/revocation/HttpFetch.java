package dev.certsonar.scanner.revocation;

import dev.certsonar.scanner.net.AddressPolicy;
import dev.certsonar.scanner.net.Resolver;
import dev.certsonar.scanner.probe.Deadline;
import dev.certsonar.scanner.probe.ProbeException;
import dev.certsonar.schemas.net.Addresses;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One HTTP/1.1 exchange with a CRL or OCSP server, as bounded as a probe: the name is resolved by the scanner's
 * resolver, the connection goes only to an address the scanner's address policy allows (the very address checked, so
 * the answer of a second DNS lookup cannot move it), every read waits at most what is left of the fetch's deadline,
 * and no more than the given number of body bytes is read. Redirects are not followed. The connection is closed after
 * the one response ({@code Connection: close}).
 *
 * <p>Written on a socket rather than with an HTTP library because the address a library would connect to is its own
 * resolver's, outside the address policy.
 */
final class HttpFetch {

    /** A response: its status and its body (whole, within the limit). */
    record Response(int status, byte[] body) {
    }

    /** Why a fetch gave no usable response, in words. */
    static final class Failed extends IOException {
        Failed(String detail) {
            super(detail);
        }

        Failed(String detail, Throwable cause) {
            super(detail, cause);
        }
    }

    private static final int MAX_HEAD_BYTES = 16 * 1024;
    /** The longest line of chunked framing (a chunk's size and its extensions). */
    private static final int MAX_CHUNK_LINE = 1024;

    private final AddressPolicy policy;
    private final Resolver resolver;

    HttpFetch(AddressPolicy policy, Resolver resolver) {
        this.policy = policy;
        this.resolver = resolver;
    }

    Response get(URI uri, Deadline deadline, int maxBodyBytes) throws Failed {
        return exchange("GET", uri, null, null, deadline, maxBodyBytes);
    }

    Response post(URI uri, String contentType, byte[] body, Deadline deadline, int maxBodyBytes) throws Failed {
        return exchange("POST", uri, contentType, body, deadline, maxBodyBytes);
    }

    private Response exchange(String method, URI uri, String contentType, byte[] body, Deadline deadline, int maxBodyBytes)
            throws Failed {
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new Failed("not an http:// URL: " + uri);
        }
        String host = uri.getHost();
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        InetAddress address = address(bare, deadline);
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(uri.getPort() < 0 ? "" : ":" + port).append("\r\n")
                .append("User-Agent: certsonar\r\n")
                .append("Accept: */*\r\n")
                .append("Connection: close\r\n");
        if (body != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), millisLeft(deadline, "connecting to " + uri.getHost()));
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            Reader in = new Reader(socket, socket.getInputStream(), deadline);
            return read(in, maxBodyBytes, "HEAD".equals(method));
        } catch (Failed f) {
            throw f;
        } catch (SocketTimeoutException e) {
            throw new Failed("no answer from " + uri.getHost() + ":" + port + " within the fetch's time", e);
        } catch (IOException e) {
            throw new Failed("cannot fetch from " + uri.getHost() + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The first address of the host the address policy allows. */
    private InetAddress address(String host, Deadline deadline) throws Failed {
        Optional<InetAddress> literal = Addresses.literal(host);
        List<InetAddress> addresses;
        if (literal.isPresent()) {
            addresses = List.of(literal.get());
        } else {
            try {
                addresses = resolver.resolve(host, deadline, deadline.remaining());
            } catch (ProbeException e) {
                throw new Failed(e.getMessage(), e);
            }
        }
        String refusal = null;
        for (InetAddress a : addresses) {
            Optional<String> r = policy.refusal(a);
            if (r.isEmpty()) {
                return a;
            }
            refusal = r.get();
        }
        throw new Failed("blocked by the address policy: " + refusal);
    }

    private static int millisLeft(Deadline deadline, String what) throws Failed {
        long left = deadline.remaining().toMillis();
        if (left <= 0) {
            throw new Failed("the fetch's time ran out before " + what);
        }
        return (int) Math.min(left, Integer.MAX_VALUE);
    }

    private static Response read(Reader in, int maxBodyBytes, boolean noBody) throws IOException {
        String statusLine = in.line(MAX_HEAD_BYTES);
        int headBytes = statusLine.length() + 2;
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new Failed("not an HTTP response: " + printable(statusLine));
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new Failed("not an HTTP status: " + printable(parts[1]));
        }
        long contentLength = -1;
        boolean chunked = false;
        for (String line = in.line(MAX_HEAD_BYTES); !line.isEmpty(); line = in.line(MAX_HEAD_BYTES)) {
            headBytes += line.length() + 2;
            if (headBytes > MAX_HEAD_BYTES) {
                throw new Failed("the response's head is longer than " + MAX_HEAD_BYTES + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (name.equals("content-length")) {
                try {
                    contentLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new Failed("a bad Content-Length: " + printable(value));
                }
            } else if (name.equals("transfer-encoding")) {
                chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
            }
        }
        if (status != 200 || noBody) {
            return new Response(status, new byte[0]);
        }
        if (!chunked && contentLength > maxBodyBytes) {
            throw new Failed("too large: the server announced " + contentLength + " bytes, more than the limit of "
                    + maxBodyBytes);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.min(Math.max(contentLength, 1024), 64 * 1024));
        if (chunked) {
            while (true) {
                String sizeLine = in.line(MAX_CHUNK_LINE);
                int semi = sizeLine.indexOf(';');
                long size;
                try {
                    size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).strip(), 16);
                } catch (NumberFormatException e) {
                    throw new Failed("a bad chunk size: " + printable(sizeLine));
                }
                if (size == 0) {
                    break;
                }
                if (size < 0 || body.size() + size > maxBodyBytes) {
                    throw new Failed("too large: more than the limit of " + maxBodyBytes + " bytes");
                }
                in.copy(body, size);
                in.line(MAX_CHUNK_LINE);
            }
        } else if (contentLength >= 0) {
            in.copy(body, contentLength);
        } else {
            in.copyToEnd(body, maxBodyBytes);
        }
        return new Response(status, body.toByteArray());
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** Reads of one response, each bounded by what is left of the deadline. */
    private static final class Reader {
        private final Socket socket;
        private final InputStream in;
        private final Deadline deadline;
        private final byte[] buffer = new byte[8192];
        private int start;
        private int end;

        Reader(Socket socket, InputStream in, Deadline deadline) {
            this.socket = socket;
            this.in = in;
            this.deadline = deadline;
        }

        /** Fills the buffer when empty; false at the end of the stream. */
        private boolean fill() throws IOException {
            if (start < end) {
                return true;
            }
            socket.setSoTimeout(millisLeft(deadline, "the whole response arrived"));
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                return false;
            }
            start = 0;
            end = n;
            return true;
        }

        /** One line of the head or of the chunked framing, without its CRLF, of at most {@code max} bytes. */
        String line(int max) throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                if (!fill()) {
                    throw new EOFException("the server closed the connection in the middle of the response");
                }
                byte b = buffer[start++];
                if (line.length() >= max) {
                    throw new Failed("a line of the response is longer than " + max + " bytes");
                }
                if (b == '\n') {
                    int len = line.length();
                    return len > 0 && line.charAt(len - 1) == '\r' ? line.substring(0, len - 1) : line.toString();
                }
                line.append((char) (b & 0xff));
            }
        }

        void copy(ByteArrayOutputStream out, long count) throws IOException {
            long left = count;
            while (left > 0) {
                if (!fill()) {
                    throw new EOFException("the server closed the connection before the whole body arrived");
                }
                int n = (int) Math.min(left, end - start);
                out.write(buffer, start, n);
                start += n;
                left -= n;
            }
        }

        void copyToEnd(ByteArrayOutputStream out, int max) throws IOException {
            while (fill()) {
                int n = end - start;
                if (out.size() + n > max) {
                    throw new Failed("too large: more than the limit of " + max + " bytes");
                }
                out.write(buffer, start, n);
                start = end;
            }
        }
    }
}
