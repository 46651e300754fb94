package io.github.jamesp0f.client.protocol;

import static io.github.jamesp0f.client.protocol.Hex.bytes;
import static io.github.jamesp0f.client.protocol.Hex.field;
import static io.github.jamesp0f.client.protocol.Hex.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;

/** Byte-exact fixtures as an x86 p0f 3.09b writes and reads them (little-endian integers). */
class V3CodecTest {

    /** A Mac seen twice, 15 hops away, whose flavor fills its 32-byte field with no NUL. */
    private static final String MAC_ANSWER =
        "02463050" + "10000000"                     // magic, status OK
            + "00f1536a" + "10f1536a" + "02000000"  // first_seen 1784934656, last_seen +16, total_conn 2
            + "96000000" + "00000000"               // uptime_min 150, up_mod_days 0
            + "00000000" + "20f1536a"               // last_nat never, last_chg
            + "0f00" + "01" + "02"                  // distance 15, bad_sw 1, os_match_q 2
            + field("Mac OS X", 32)
            + field("10.9 or newer (sometimes iPhone or iPad)", 32)
            + field("", 32) + field("", 32)
            + field("Ethernet or modem", 32)
            + field("English", 32);

    @BeforeAll
    static void littleEndianHost() {
        org.junit.jupiter.api.Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN,
            "fixtures are written for a little-endian host such as x86 or ARM");
    }

    @Test
    void fixtureIsTheSizeOfTheStruct() {
        assertThat(bytes(MAC_ANSWER)).hasSize(V3Codec.RESPONSE_SIZE);
    }

    @Test
    void decodesEveryFieldOfAnOkAnswer() throws Exception {
        Fingerprint fp = decode(MAC_ANSWER).fingerprint().orElseThrow();

        assertThat(fp.protocolVersion()).isEqualTo(3);
        assertThat(fp.firstSeen()).contains(Instant.ofEpochSecond(0x6a53f100L));
        assertThat(fp.lastSeen()).contains(Instant.ofEpochSecond(0x6a53f110L));
        assertThat(fp.totalConnections()).hasValue(2);
        assertThat(fp.uptimeMinutes()).hasValue(150);
        assertThat(fp.upModDays()).isEmpty();
        assertThat(fp.lastNat()).isEmpty();
        assertThat(fp.lastChange()).contains(Instant.ofEpochSecond(0x6a53f120L));
        assertThat(fp.distance()).hasValue(15);
        assertThat(fp.badSoftware()).hasValue(1);
        assertThat(fp.osMatchQuality()).hasValue(2);
        assertThat(fp.osName()).contains("Mac OS X");
        assertThat(fp.httpName()).isEmpty();
        assertThat(fp.linkType()).contains("Ethernet or modem");
        assertThat(fp.language()).contains("English");
    }

    @Test
    void aStringFillingItsWholeFieldIsReadTo32BytesNotIntoTheNextField() throws Exception {
        Fingerprint fp = decode(MAC_ANSWER).fingerprint().orElseThrow();

        assertThat(fp.osFlavor()).contains("10.9 or newer (sometimes iPhone ");
        assertThat(fp.osDescription()).isEqualTo("Mac OS X 10.9 or newer (sometimes iPhone ");
    }

    @Test
    void distance255AndEmptyOsNameAreAbsent() throws Exception {
        // A host seen only as a SYN destination: status OK, nothing known.
        String answer = "02463050" + "10000000" + "00f1536a" + "00f1536a" + "00000000" + zeros(16)
            + "ff00" + "00" + "00" + zeros(32 * 6);

        P0fLookup lookup = decode(answer);

        assertThat(lookup.isMatch()).isTrue();
        Fingerprint fp = lookup.fingerprint().orElseThrow();
        assertThat(fp.distance()).isEmpty();
        assertThat(fp.osName()).isEmpty();
        assertThat(fp.osDescription()).isEmpty();
        assertThat(fp.uptimeMinutes()).isEmpty();
        assertThat(fp.totalConnections()).hasValue(0);
    }

    @Test
    void noMatchAndBadQueryAreKeptApart() throws Exception {
        assertThat(decode("02463050" + "20000000" + zeros(224)).status()).isEqualTo(P0fLookup.Status.NO_MATCH);

        P0fLookup bad = decode("02463050" + "00000000" + zeros(224));
        assertThat(bad.status()).isEqualTo(P0fLookup.Status.FAILED);
        assertThat(bad.failure().orElseThrow().kind()).isEqualTo(P0fFailure.Kind.BAD_QUERY);
    }

    @Test
    void wrongMagicIsAProtocolErrorNamingTheMagic() {
        assertThatThrownBy(() -> decode("48545450" + "10000000" + zeros(224)))
            .isInstanceOf(P0fProtocolException.class)
            .hasMessageContaining("magic 0x50545448").hasMessageContaining("expected 0x50304602");
    }

    @Test
    void bigEndianMagicIsNamedAsSuch() {
        assertThatThrownBy(() -> decode("50304602" + "00000010" + zeros(224)))
            .isInstanceOf(P0fProtocolException.class).hasMessageContaining("other byte order");
    }

    @Test
    void unknownStatusIsAProtocolError() {
        assertThatThrownBy(() -> decode("02463050" + "30000000" + zeros(224)))
            .isInstanceOf(P0fProtocolException.class).hasMessageContaining("unknown status 0x00000030");
    }

    @Test
    void shortAndOverlongAnswersAreProtocolErrors() {
        byte[] full = bytes(MAC_ANSWER);
        assertThatThrownBy(() -> V3Codec.decode(Arrays.copyOf(full, 116), 116))
            .isInstanceOf(P0fProtocolException.class).hasMessage("p0f v3 answer is 116 bytes long, expected 232");
        assertThatThrownBy(() -> V3Codec.decode(Arrays.copyOf(full, 240), 240))
            .isInstanceOf(P0fProtocolException.class).hasMessageContaining("240 bytes long");
    }

    @Test
    void decodingFromABufferAdvancesPastExactlyOneAnswer() throws Exception {
        ByteBuffer two = ByteBuffer.allocate(464).put(bytes(MAC_ANSWER)).put(bytes("02463050" + "20000000" + zeros(224)));
        two.flip();

        assertThat(V3Codec.decode(two).isMatch()).isTrue();
        assertThat(two.position()).isEqualTo(232);
        assertThat(V3Codec.decode(two).status()).isEqualTo(P0fLookup.Status.NO_MATCH);
    }

    @Test
    void ipv4Query() throws Exception {
        assertThat(V3Codec.encodeQuery(InetAddress.getByName("192.0.2.7")))
            .isEqualTo(bytes("01463050" + "04" + "c0000207" + zeros(12)));
    }

    @Test
    void ipv6Query() throws Exception {
        assertThat(V3Codec.encodeQuery(InetAddress.getByName("2001:db8::1")))
            .isEqualTo(bytes("01463050" + "06" + "20010db8000000000000000000000001"));
        assertThat(V3Codec.encodeQuery(InetAddress.getByName("::1")))
            .isEqualTo(bytes("01463050" + "06" + "00000000000000000000000000000001"));
    }

    @Test
    void ipv4MappedAddressIsAskedAsIpv4() throws Exception {
        byte[] mapped = bytes("00000000000000000000ffff" + "7f000001");
        InetAddress address = Inet6Address.getByAddress(null, mapped, null);
        assertThat(address).isInstanceOf(Inet6Address.class);

        assertThat(V3Codec.encodeQuery(address)).isEqualTo(bytes("01463050" + "04" + "7f000001" + zeros(12)));
    }

    @Test
    void encodingIntoABufferKeepsItsByteOrder() throws Exception {
        ByteBuffer out = ByteBuffer.allocate(42).order(ByteOrder.BIG_ENDIAN);
        V3Codec.encodeQuery(InetAddress.getByName("10.0.0.1"), out);
        V3Codec.encodeQuery(InetAddress.getByName("10.0.0.2"), out);

        assertThat(out.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(out.array()).isEqualTo(bytes("01463050" + "04" + "0a000001" + zeros(12)
            + "01463050" + "04" + "0a000002" + zeros(12)));
    }

    private static P0fLookup decode(String hex) throws P0fProtocolException {
        byte[] b = bytes(hex);
        return V3Codec.decode(b, b.length);
    }
}
