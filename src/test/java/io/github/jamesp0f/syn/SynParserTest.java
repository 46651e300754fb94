package io.github.jamesp0f.syn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The expected signatures are what p0f 3.09b logged ({@code raw_sig}) for the same bytes sent to
 * it over loopback; {@code SynOracleIT} checks the parser against the daemon on many more.
 */
class SynParserTest {

    private static final String MSS_1460 = "020405b4";

    /** This machine's kernel over loopback, read with TCP_SAVED_SYN (the example). */
    private static final String LOOPBACK_SYN = "4500003ca2ab400040069a0e7f0000017f000001"
        + "cb2ed3bf7f91886c00000000a002ffd7fe300000" + "0204ffd70402080a23f043e1000000000103030a";

    @Test
    void readsAKernelSynOverLoopback() {
        SynSignature syn = SynParser.parse(SynBytes.hex(LOOPBACK_SYN));

        assertThat(syn).hasToString("4:64+0:0:65495:mss*1,10:mss,sok,ts,nop,ws:df,id+:0");
        assertThat(syn.ipVersion()).isEqualTo(4);
        assertThat(syn.mss()).isEqualTo(65495);
        assertThat(syn.windowScale()).isEqualTo(10);
        assertThat(syn.guessedDistance()).isZero();
    }

    @Test
    void readsFromThePositionToTheLimitInAnyByteOrderAndIgnoresTrailingBytes() {
        byte[] syn = SynBytes.hex(LOOPBACK_SYN);
        ByteBuffer buffer = ByteBuffer.allocateDirect(512).order(ByteOrder.LITTLE_ENDIAN);
        buffer.position(7);
        buffer.put(syn);
        buffer.position(7).limit(512);

        assertThat(SynParser.parse(buffer)).hasToString("4:64+0:0:65495:mss*1,10:mss,sok,ts,nop,ws:df,id+:0");
        assertThat(buffer.position()).isEqualTo(7);
    }

    @Test
    void takesTheDataFromTheIpLengthsSinceTheKernelSavesOnlyTheHeaders() {
        byte[] withData = SynBytes.ipv4().options(MSS_1460).payloadLength(16).bytes();
        byte[] headersOnly = prefix(withData, withData.length - 16);
        byte[] ipv6HeadersOnly = prefix(SynBytes.ipv6().payloadLength(16).bytes(), 60);

        assertThat(SynParser.parse(headersOnly).hasPayload()).isTrue();
        assertThat(SynParser.parse(ipv6HeadersOnly).hasPayload()).isTrue();
        assertThat(SynParser.parse(SynBytes.ipv4().options(MSS_1460).bytes()).hasPayload()).isFalse();
    }

    static Stream<Arguments> synsAsP0fLogsThem() {
        String mssNopNopSok = MSS_1460 + "01010402";
        return Stream.of(
            Arguments.of("Windows 7 from 15 hops", SynBytes.ipv4().ttl(113).options(MSS_1460 + "01030308 01010402"),
                "4:113+15:0:1460:8192,8:mss,nop,ws,nop,nop,sok:df,id+:0"),
            Arguments.of("IPv6, hop limit 128", SynBytes.ipv6().ttl(128).options(MSS_1460 + "01030308 01010402"),
                "6:128+0:0:1460:8192,8:mss,nop,ws,nop,nop,sok::0"),
            Arguments.of("TTL 140: distance unknown", SynBytes.ipv4().ttl(140).options(mssNopNopSok),
                "4:140+?:0:1460:8192,0:mss,nop,nop,sok:df,id+:0"),
            Arguments.of("TTL 93: distance 35", SynBytes.ipv4().ttl(93).options(mssNopNopSok),
                "4:93+35:0:1460:8192,0:mss,nop,nop,sok:df,id+:0"),
            Arguments.of("TTL 92: distance 36, unknown", SynBytes.ipv4().ttl(92).options(mssNopNopSok),
                "4:92+?:0:1460:8192,0:mss,nop,nop,sok:df,id+:0"),
            Arguments.of("no DF, IP ID zero", SynBytes.ipv4().dontFragment(false).ipId(0).options(mssNopNopSok),
                "4:64+0:0:1460:8192,0:mss,nop,nop,sok:id-:0"),
            Arguments.of("DF, IP ID zero", SynBytes.ipv4().ipId(0).options(mssNopNopSok),
                "4:64+0:0:1460:8192,0:mss,nop,nop,sok:df:0"),
            Arguments.of("reserved IP flag", SynBytes.ipv4().ipFlagBits(0x8000).options(mssNopNopSok),
                "4:64+0:0:1460:8192,0:mss,nop,nop,sok:df,id+,0+:0"),
            Arguments.of("ECN in the IP header", SynBytes.ipv4().trafficClass(2).options(mssNopNopSok),
                "4:64+0:0:1460:8192,0:mss,nop,nop,sok:df,id+,ecn:0"),
            Arguments.of("ECE and CWR", SynBytes.ipv4().flags(0xC2).options(mssNopNopSok),
                "4:64+0:0:1460:8192,0:mss,nop,nop,sok:df,id+,ecn:0"),
            Arguments.of("NS", SynBytes.ipv4().reservedBits(1).options(mssNopNopSok),
                "4:64+0:0:1460:8192,0:mss,nop,nop,sok:df,id+,ecn:0"),
            Arguments.of("other reserved TCP bits: nothing", SynBytes.ipv4().reservedBits(0x0E).options(mssNopNopSok),
                "4:64+0:0:1460:8192,0:mss,nop,nop,sok:df,id+:0"),
            Arguments.of("IPv6 flow label", SynBytes.ipv6().flowLabel(0x12345).options(mssNopNopSok),
                "6:64+0:0:1460:8192,0:mss,nop,nop,sok:flow:0"),
            Arguments.of("IPv6 ECN", SynBytes.ipv6().trafficClass(1).options(mssNopNopSok),
                "6:64+0:0:1460:8192,0:mss,nop,nop,sok:ecn:0"),
            Arguments.of("sequence zero", SynBytes.ipv4().seq(0).options(mssNopNopSok),
                "4:64+0:0:1460:8192,0:mss,nop,nop,sok:df,id+,seq-:0"),
            Arguments.of("ACK number 5 without ACK: p0f says nothing", SynBytes.ipv4().ack(5).options(mssNopNopSok),
                "4:64+0:0:1460:8192,0:mss,nop,nop,sok:df,id+:0"),
            Arguments.of("ACK number 0x01000000 without ACK", SynBytes.ipv4().ack(0x01000000).options(mssNopNopSok),
                "4:64+0:0:1460:8192,0:mss,nop,nop,sok:df,id+,ack+:0"),
            Arguments.of("urgent pointer", SynBytes.ipv4().urgentPointer(5).options(mssNopNopSok),
                "4:64+0:0:1460:8192,0:mss,nop,nop,sok:df,id+,uptr+:0"),
            Arguments.of("URG and PSH", SynBytes.ipv4().flags(0x2A).options(mssNopNopSok),
                "4:64+0:0:1460:8192,0:mss,nop,nop,sok:df,id+,urgf+,pushf+:0"),
            Arguments.of("IP options", SynBytes.ipv4().ipOptions("01010100").options(mssNopNopSok),
                "4:64+0:4:1460:8192,0:mss,nop,nop,sok:df,id+:0"),
            Arguments.of("data", SynBytes.ipv4().payloadLength(5).options(mssNopNopSok),
                "4:64+0:0:1460:8192,0:mss,nop,nop,sok:df,id+:+"),
            Arguments.of("no options", SynBytes.ipv4(), "4:64+0:0:0:8192,0::df,id+:0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("synsAsP0fLogsThem")
    void computesTheSignatureP0fLogs(String what, SynBytes syn, String rawSignature) {
        assertThat(syn.parse()).hasToString(rawSignature);
    }

    static Stream<Arguments> windowsAsP0fLogsThem() {
        return Stream.of(
            Arguments.of(4, 1460, 1460 * 44, false, "mss*44"),
            Arguments.of(4, 1460, 1500 * 4, false, "mtu*4"),
            Arguments.of(4, 99, 990, false, "990"),
            Arguments.of(4, 100, 1000, false, "mss*10"),
            Arguments.of(4, 100, 0, false, "0"),
            Arguments.of(4, 1000, 988 * 7, false, "6916"),
            Arguments.of(4, 1000, 988 * 7, true, "mss*7"),
            Arguments.of(4, 1000, 1460 * 4, false, "mss*4"),
            Arguments.of(4, 1000, 1448 * 3, false, "mss*3"),
            Arguments.of(4, 1000, 1440 * 3, false, "4320"),
            Arguments.of(6, 1000, 1440 * 3, false, "mss*3"),
            Arguments.of(6, 1000, 1428 * 3, false, "mss*3"),
            Arguments.of(4, 1210, 1250 * 6, false, "mtu*6"),
            Arguments.of(4, 1420, 1500 * 5, false, "mtu*5"),
            Arguments.of(4, 100, 160 * 2, false, "320"),
            Arguments.of(4, 100, 144 * 3, false, "mtu*3"),
            Arguments.of(4, 100, 156 * 3, true, "mtu*3"),
            Arguments.of(6, 100, 160 * 2, false, "mtu*2"),
            Arguments.of(6, 1190, 1250 * 6, false, "mtu*6"),
            Arguments.of(6, 100, 1120, false, "mtu*8"),
            Arguments.of(6, 200, 264 * 65, false, "mtu*65"));
    }

    /** With a timestamp the options are 16 bytes (IPv4 and TCP headers: 56), else 4 (44). */
    @ParameterizedTest(name = "IPv{0}, MSS {1}, window {2}, timestamp {3}: {4}")
    @MethodSource("windowsAsP0fLogsThem")
    void readsTheWindowAsP0fDoes(int ipVersion, int mss, int window, boolean timestamp, String expected) {
        String options = String.format("0204%04x", mss) + (timestamp ? "080a0000000100000000 0000" : "");
        SynBytes syn = (ipVersion == 4 ? SynBytes.ipv4() : SynBytes.ipv6()).window(window).options(options);

        assertThat(syn.parse().toString().split(":")[4]).isEqualTo(expected + ",0");
    }

    static Stream<Arguments> optionsAsP0fLogsThem() {
        return Stream.of(
            Arguments.of("mss with length 3, then ws", "020305b4 03030500", "1460:8192,5:mss,ws,eol+0:df,id+,bad"),
            Arguments.of("ws with length 2", MSS_1460 + "03020000", "1460:8192,0:mss,ws,eol+0:df,id+,bad"),
            Arguments.of("sok with length 3", MSS_1460 + "04030000", "1460:8192,0:mss,sok,eol+1:df,id+,bad"),
            Arguments.of("ts cut short", MSS_1460 + "08080000 00010000", "1460:8192,0:mss,ts:df,id+,bad"),
            Arguments.of("unknown option of length 0", MSS_1460 + "1e000000", "1460:8192,0:mss,?30:df,id+,bad"),
            Arguments.of("unknown option past the end", MSS_1460 + "1e0a0000", "1460:8192,0:mss,?30:df,id+,bad"),
            Arguments.of("unknown option, then more", "1e03aa01" + MSS_1460, "1460:8192,0:?30,nop,mss:df,id+"),
            Arguments.of("sack", MSS_1460 + "050a0000000000000000 0000", "1460:8192,0:mss,sack,eol+1:df,id+"),
            Arguments.of("eol, padding with a non-zero byte", MSS_1460 + "00010000", "1460:8192,0:mss,eol+3:df,id+,opt+"),
            Arguments.of("eol, non-zero in the last byte only", MSS_1460 + "00000001", "1460:8192,0:mss,eol+3:df,id+"),
            Arguments.of("mss twice: the last counts", "02040578" + MSS_1460, "1460:8192,0:mss,mss:df,id+"),
            Arguments.of("window scale 15", "03030f00", "0:8192,15:ws,eol+0:df,id+,exws"),
            Arguments.of("own timestamp zero, peer's set", "080a0000000000000005 0000", "0:8192,0:ts,eol+1:df,id+,ts1-,ts2+"),
            Arguments.of("24 nops", "01".repeat(24), "0:8192,0:" + "nop,".repeat(23) + "nop:df,id+"),
            Arguments.of("24 nops, then mss", "01".repeat(24) + MSS_1460, "0:8192,0:" + "nop,".repeat(23) + "nop:df,id+,bad"),
            Arguments.of("23 nops, then eol", "01".repeat(23) + "00", "0:8192,0:" + "nop,".repeat(23) + "eol+0:df,id+"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optionsAsP0fLogsThem")
    void walksTheOptionsAsP0fDoes(String what, String options, String expected) {
        String signature = SynBytes.ipv4().options(options).parse().toString();

        assertThat(signature.substring(signature.indexOf(":0:") + 3, signature.lastIndexOf(':'))).isEqualTo(expected);
    }

    static Stream<Arguments> notSynsP0fFingerprints() {
        return Stream.of(
            Arguments.of(new byte[0], "no bytes"),
            Arguments.of(SynBytes.hex("45000028"), "truncated: the IPv4 header needs 20 bytes, 4 left"),
            Arguments.of(prefix(SynBytes.ipv4().bytes(), 30), "truncated: the TCP header needs 20 bytes, 10 left"),
            Arguments.of(prefix(SynBytes.ipv4().options(MSS_1460).bytes(), 42),
                "truncated: the TCP header with its options needs 24 bytes, 22 left"),
            Arguments.of(prefix(SynBytes.ipv6().bytes(), 39), "truncated: the IPv6 header needs 40 bytes, 39 left"),
            Arguments.of(SynBytes.hex("55000028"), "IP version 5 in the first byte"),
            Arguments.of(SynBytes.ipv4().flags(0x12).bytes(), "TCP flags 0x12 (TCP byte 13): not a client's SYN"),
            Arguments.of(SynBytes.ipv4().flags(0x06).bytes(), "TCP flags 0x6"),
            Arguments.of(SynBytes.ipv4().ipFlagBits(0x2000).bytes(), "an IPv4 fragment"),
            Arguments.of(withByte(SynBytes.ipv4().bytes(), 9, 17), "IPv4 protocol 17 (byte 9) is not TCP"),
            Arguments.of(withByte(SynBytes.ipv6().bytes(), 6, 0), "IPv6 next header 0 (byte 6) is not TCP"),
            Arguments.of(withByte(SynBytes.ipv4().bytes(), 3, 30), "IPv4 total length 30 (bytes 2-3) is less than"),
            Arguments.of(withByte(SynBytes.ipv4().bytes(), 0, 0x44), "IPv4 header length 16 (byte 0) is below 20"),
            Arguments.of(withByte(SynBytes.ipv4().bytes(), 32, 0x40), "TCP header length 16 (TCP byte 12) is below 20"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("notSynsP0fFingerprints")
    void refusesWhatP0fDoesNotFingerprintSayingWhy(byte[] packet, String message) {
        assertThatThrownBy(() -> SynParser.parse(packet))
            .isInstanceOf(MalformedSynException.class)
            .hasMessageContaining(message);
    }

    private static byte[] prefix(byte[] bytes, int length) {
        byte[] prefix = new byte[length];
        System.arraycopy(bytes, 0, prefix, 0, length);
        return prefix;
    }

    private static byte[] withByte(byte[] bytes, int at, int value) {
        bytes[at] = (byte) value;
        return bytes;
    }
}
