package org.tandemrec.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 keep-alive connection on a plain socket (TCP_NODELAY), sending a request and
 * reading its answer before the next: the load generator of {@link ServeBenchmark}. A client
 * this thin costs the shared CPU little (java.net.http spends more per request than the server's
 * CRM path does); it understands only what the server sends back, answers with a
 * {@code Content-Length}.
 */
final class KeepAliveConnection implements AutoCloseable {
    /** A status code and a body. */
    record Response(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    KeepAliveConnection(String host, int port) {
        this.host = host;
        this.port = port;
    }

    private void open() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(60_000);
        in = new BufferedInputStream(socket.getInputStream(), 16384);
        out = socket.getOutputStream();
    }

    /** POSTs {@code body} as JSON to {@code path}; reconnects once when the server had closed the connection. */
    Response post(String path, byte[] body) throws IOException {
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        boolean fresh = socket == null;
        if (fresh) {
            open();
        }
        try {
            return exchange(request);
        } catch (IOException e) {
            close();
            if (fresh) {
                throw e;
            }
            open();
            return exchange(request);
        }
    }

    private Response exchange(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        int length = -1;
        boolean close = false;
        for (String h = line(); !h.isEmpty(); h = line()) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring(15).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        if (length < 0) {
            throw new IOException("answer without Content-Length");
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("answer cut short after " + body.length + " of " + length + " bytes");
        }
        if (close) {
            close();
        }
        return new Response(code, body);
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a loopback socket: nothing to report
            }
            socket = null;
        }
    }
}
