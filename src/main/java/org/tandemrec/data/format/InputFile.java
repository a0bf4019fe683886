package org.tandemrec.data.format;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;

/**
 * An input file opened for streaming: gzip is recognised by its magic bytes (not by the file
 * name), and the position in the underlying file is available for progress reports.
 */
final class InputFile implements AutoCloseable {
    private static final int BUFFER = 1 << 16;

    private final FileChannel channel;
    private final InputStream stream;
    private final long size;

    private InputFile(FileChannel channel, InputStream stream, long size) {
        this.channel = channel;
        this.stream = stream;
        this.size = size;
    }

    static InputFile open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            BufferedInputStream in = new BufferedInputStream(Channels.newInputStream(ch), BUFFER);
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            InputStream s = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in, BUFFER) : in;
            return new InputFile(ch, s, ch.size());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    InputStream stream() {
        return stream;
    }

    /** Bytes of the file (compressed bytes for gzip) read so far. */
    long position() {
        try {
            return channel.isOpen() ? channel.position() : size;
        } catch (IOException e) {
            return 0;
        }
    }

    long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        try {
            stream.close();
        } finally {
            channel.close();
        }
    }
}
