package dyno.router.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.router.testing.LeakCheckExtension;
import dyno.router.testing.RouterFixture;
import dyno.router.testing.TestBackend;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An HPACK bomb: one 4000-byte header put in the client's dynamic table, then referenced by a
 * one-byte index thousands of times, so that a 3 KB HEADERS frame decodes to megabytes. The
 * router must count the decoded size against its head limit as it decodes (Netty's
 * {@code maxHeaderListSize}), refuse the stream or the connection, never pass the request on, and
 * go on serving. Written as raw frames on h2c with prior knowledge, since no client library sends
 * one.
 */
@ExtendWith(LeakCheckExtension.class)
class HpackBombTest {
    private static final int VALUE = 4000;
    private static final int REFERENCES = 2000; // 2000 x 4000 B = 8 MB decoded from ~6 KB on the wire

    @Test
    void aHeaderBlockThatDecodesToMegabytesIsRefusedWithoutReachingTheDyno() throws Exception {
        try (RouterFixture f = new RouterFixture(b -> b)) { // the default head limit, 64 KiB
            TestBackend backend = f.addBackend("web.1");
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), f.router.port())) {
                s.setSoTimeout(20_000);
                OutputStream out = s.getOutputStream();
                out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.write(frame(0x4, 0, 0, new byte[0])); // SETTINGS
                out.write(frame(0x1, 0x5, 1, bomb())); // HEADERS, END_STREAM | END_HEADERS
                out.flush();
                String answer = firstAnswerOnStream1(s.getInputStream());
                assertThat(answer).as("the router's answer to the bomb").matches("status 431|reset \\d+|goaway \\d+");
            }
            assertThat(backend.requests()).as("requests the dyno received").isZero();
            // the router goes on: a plain request on a new connection is served
            assertThat(f.get("/").statusCode()).isEqualTo(200);
            assertThat(backend.requests()).isEqualTo(1);
        }
    }

    /** GET / with the bomb: a literal header indexed into the dynamic table, then REFERENCES references to it. */
    private static byte[] bomb() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x82); // :method GET
        b.write(0x86); // :scheme http
        b.write(0x84); // :path /
        b.write(0x01); // :authority, literal without indexing
        b.write(9);
        b.writeBytes("localhost".getBytes(StandardCharsets.US_ASCII));
        b.write(0x40); // literal with incremental indexing, new name
        b.write(5);
        b.writeBytes("x-bom".getBytes(StandardCharsets.US_ASCII));
        b.write(0x7f); // value length VALUE as a 7-bit prefix integer
        int rest = VALUE - 127;
        while (rest >= 128) {
            b.write((rest & 0x7f) | 0x80);
            rest >>>= 7;
        }
        b.write(rest);
        b.writeBytes("a".repeat(VALUE).getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < REFERENCES; i++) {
            b.write(0xbe); // indexed field 62: the newest dynamic table entry, x-bom
        }
        return b.toByteArray();
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(payload.length >>> 16);
        b.write(payload.length >>> 8);
        b.write(payload.length);
        b.write(type);
        b.write(flags);
        b.writeBytes(new byte[] {(byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream});
        b.writeBytes(payload);
        return b.toByteArray();
    }

    /** Reads frames until the router answers stream 1 (HEADERS, RST_STREAM) or the connection (GOAWAY). */
    private static String firstAnswerOnStream1(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder();
        try {
            for (int frames = 0; frames < 1000; frames++) {
                int length = data.readUnsignedByte() << 16 | data.readUnsignedShort();
                int type = data.readUnsignedByte();
                data.readUnsignedByte(); // flags
                int stream = data.readInt() & 0x7fffffff;
                byte[] payload = data.readNBytes(length);
                if (payload.length < length) {
                    return "closed";
                }
                if (type == 0x7) { // GOAWAY: last stream id, error code
                    return "goaway " + (((payload[4] & 0xff) << 24) | ((payload[5] & 0xff) << 16)
                            | ((payload[6] & 0xff) << 8) | (payload[7] & 0xff));
                }
                if (stream == 1 && type == 0x3) {
                    return "reset " + (((payload[0] & 0xff) << 24) | ((payload[1] & 0xff) << 16)
                            | ((payload[2] & 0xff) << 8) | (payload[3] & 0xff));
                }
                if (stream == 1 && type == 0x1) {
                    ByteBuf block = Unpooled.wrappedBuffer(payload);
                    try {
                        Http2Headers h = decoder.decodeHeaders(1, block);
                        return "status " + h.status();
                    } catch (Exception e) {
                        return "undecodable headers: " + e;
                    } finally {
                        block.release();
                    }
                }
            }
            return "no answer in 1000 frames";
        } catch (EOFException e) {
            return "closed";
        } catch (SocketTimeoutException e) {
            return "no answer in 20 s";
        }
    }
}
