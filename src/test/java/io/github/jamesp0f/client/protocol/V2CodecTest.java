package io.github.jamesp0f.client.protocol;

import static io.github.jamesp0f.client.protocol.Hex.bytes;
import static io.github.jamesp0f.client.protocol.Hex.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.ByteOrder;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.fingerprint.Fingerprint;
import io.github.jamesp0f.client.P0fFailure;
import io.github.jamesp0f.client.P0fLookup;

/** Byte-exact p0f 2.0.8 structs with natural alignment, as an x86 p0f writes them. */
class V2CodecTest {

    private static String answer(String type, String dist, String uptime) {
        return "edacef0d" + "2a000000" + type             // magic, id 42, type
            + field("Windows", 20) + field("2000 SP4, XP SP1+", 40)
            + dist + field("ethernet/modem", 30) + field("", 30)
            + "00" + "01" + "00"                         // fw 0, nat 1, real 0
            + "00"                                       // padding to the s16
            + "f6ff"                                     // score -10
            + "0300"                                     // mflags 3
            + "0000"                                     // padding to the s32
            + uptime;
    }

    @BeforeAll
    static void littleEndianHost() {
        org.junit.jupiter.api.Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN,
            "fixtures are written for a little-endian host such as x86 or ARM");
    }

    @Test
    void queryHasNaturalAlignment() throws Exception {
        byte[] q = V2Codec.encodeQuery(7, InetAddress.getByName("192.0.2.7"), 40000,
            InetAddress.getByName("198.51.100.25"), 25);

        assertThat(q).isEqualTo(bytes("edacef0d" + "01" + "000000" + "07000000" + "c0000207" + "c6336419"
            + "409c" + "1900"));
    }

    @Test
    void decodesEveryFieldAtItsRealOffset() throws Exception {
        byte[] b = bytes(answer("00", "0f", "30000000"));
        assertThat(b).hasSize(V2Codec.RESPONSE_SIZE);

        V2Answer a = V2Codec.decode(b, b.length, 42);

        assertThat(a.genre()).isEqualTo("Windows");
        assertThat(a.detail()).isEqualTo("2000 SP4, XP SP1+");
        assertThat(a.distance()).isEqualTo(15);
        assertThat(a.link()).isEqualTo("ethernet/modem");
        assertThat(a.nat()).isEqualTo(1);
        assertThat(a.score()).isEqualTo(-10);
        assertThat(a.matchFlags()).isEqualTo(3);
        assertThat(a.uptimeHours()).isEqualTo(48);

        Fingerprint fp = a.toLookup().fingerprint().orElseThrow();
        assertThat(fp.protocolVersion()).isEqualTo(2);
        assertThat(fp.osDescription()).isEqualTo("Windows 2000 SP4, XP SP1+");
        assertThat(fp.distance()).hasValue(15);
        assertThat(fp.uptimeHours()).hasValue(48);
        assertThat(fp.link()).contains("ethernet/modem");
    }

    @Test
    void unknownDistanceAndUptimeAreAbsent() throws Exception {
        byte[] b = bytes(answer("00", "ff", "ffffffff"));

        Fingerprint fp = V2Codec.decode(b, b.length, 42).toLookup().fingerprint().orElseThrow();

        assertThat(fp.distance()).isEmpty();
        assertThat(fp.uptimeHours()).isEmpty();
    }

    @Test
    void noMatchAndBadQuery() throws Exception {
        byte[] noMatch = bytes(answer("02", "ff", "ffffffff"));
        byte[] bad = bytes(answer("01", "ff", "ffffffff"));

        assertThat(V2Codec.decode(noMatch, 144, 42).toLookup().status()).isEqualTo(P0fLookup.Status.NO_MATCH);
        assertThat(V2Codec.decode(bad, 144, 42).toLookup().failure().orElseThrow().kind())
            .isEqualTo(P0fFailure.Kind.BAD_QUERY);
    }

    @Test
    void wrongIdMagicTypeOrLengthAreProtocolErrors() {
        byte[] ok = bytes(answer("00", "0f", "30000000"));
        assertThatThrownBy(() -> V2Codec.decode(ok, 144, 43)).isInstanceOf(P0fProtocolException.class)
            .hasMessage("p0f v2 answer is for query id 42, expected 43");
        assertThatThrownBy(() -> V2Codec.decode(ok, 100, 42)).isInstanceOf(P0fProtocolException.class)
            .hasMessageContaining("100 bytes long, expected 144");
        byte[] v3 = bytes(answer("00", "0f", "30000000").replaceFirst("edacef0d", "02463050"));
        assertThatThrownBy(() -> V2Codec.decode(v3, 144, 42)).isInstanceOf(P0fProtocolException.class)
            .hasMessageContaining("magic 0x50304602");
        byte[] odd = bytes(answer("07", "0f", "30000000"));
        assertThatThrownBy(() -> V2Codec.decode(odd, 144, 42)).isInstanceOf(P0fProtocolException.class)
            .hasMessageContaining("unknown type 7");
    }

    @Test
    void ipv6OrMissingPortsCannotBeAsked() throws Exception {
        InetAddress v4 = InetAddress.getByName("192.0.2.7");
        assertThatThrownBy(() -> V2Codec.encodeQuery(1, InetAddress.getByName("2001:db8::1"), 1, v4, 25))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only look up IPv4").hasMessageContaining("2001:db8");
        assertThatThrownBy(() -> V2Codec.encodeQuery(1, v4, 0, v4, 25))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("remote port");
    }
}
