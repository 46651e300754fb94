package io.github.jamesp0f.syn;

import java.util.function.Supplier;

/**
 * A small database with one signature per rule of p0f's matching, and SYNs that put each rule to
 * work. {@link SynMatcherTest} says what the matcher answers; {@link SynOracleTest} sends the same
 * SYNs to a real p0f loaded with the same database and checks that it answers the same.
 */
enum RuleSyn {
    SPECIFIC_AFTER_GENERIC("a specific signature after a generic one", () -> ipv4Syn().window(4003)),
    GENERIC_BEFORE_FUZZY("an exact generic match before a fuzzy specific one", () -> ipv4Syn().window(4005)),
    FUZZY_GENERIC_FIRST("two fuzzy matches, the generic one first",
        () -> ipv4Syn().window(4005).ipId(0).trafficClass(1)),
    APPLICATION_FUZZY_FIRST("two fuzzy matches, an application's first", () -> ipv4Syn().window(4004).trafficClass(1)),
    APPLICATION("an application's exact match", () -> ipv4Syn().window(4004)),
    TTL_10_BELOW("10 below a signature's TTL of 100", () -> ipv4Syn().window(4000).ttl(90)),
    TTL_35_BELOW("35 below a signature's TTL of 100", () -> ipv4Syn().window(4000).ttl(65)),
    TTL_36_BELOW("36 below a signature's TTL of 100", () -> ipv4Syn().window(4000).ttl(64)),
    TTL_ABOVE("above a signature's TTL of 100", () -> ipv4Syn().window(4000).ttl(101)),
    RANDOM_TTL_BELOW("far below a random TTL of at most 100", () -> ipv4Syn().window(4001).ttl(20)),
    RANDOM_TTL_ABOVE("above a random TTL of at most 100", () -> ipv4Syn().window(4001).ttl(101)),
    MSS_MULTIPLE("window 7 times the MSS", () -> ipv4Syn().window(700).options("02040064 01010402")),
    MTU_MULTIPLE("window 5 times an MTU of 1500", () -> ipv4Syn().window(7500).options("0204058c 01010402")),
    MODULO("window a multiple of 700 and 14 times the MSS", () -> ipv4Syn().window(1400).options("02040064 01010402")),
    IPV6_FOR_BOTH("IPv6 against a signature for both versions with IPv4 quirks", () -> ipv6Syn().window(4003)),
    IPV6_FOR_IPV4("IPv6 against an IPv4 signature with df", () -> ipv6Syn().window(4006)),
    IPV4_FOR_IPV4("IPv4 against an IPv4 signature", () -> ipv4Syn().window(4006)),
    IPV6_FLOW("IPv6 with a flow label against a signature without", () -> ipv6Syn().window(4003).flowLabel(1)),
    IPV6_MSS_1440("IPv6 with MSS 1440", () -> ipv6Syn().options("020405a0 01010402")),
    NO_MSS("no MSS option", () -> ipv4Syn().options("01010402")),
    PROBE("p0f-sendsyn's probe, MSS 1331 and window 1337", () -> ipv4Syn().window(1337).options("02040533 01010402")),
    NO_MATCH("a layout no signature has, 14 hops away", () -> ipv4Syn().ttl(50).options("020405b4")),
    LONG_FLAVOR("a label with a long flavor, 4 hops away", () -> ipv4Syn().ttl(60).window(1234));

    /** The rules' database, in p0f.fp's format. */
    static final String DATABASE = "classes = win,unix,other\n"
        + "[mtu]\nlabel = Ethernet or modem\nsig = 1500\nlabel = small\nsig = 140\n"
        + "[tcp:request]\n"
        + "label = g:unix:GenericFirst:\nsig = *:64:0:*:4003,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:SpecificLater:\nsig = *:64:0:*:4003,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = g:unix:GenericFuzzy:\nsig = *:64:0:*:4005,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:SpecificFuzzy:\nsig = *:128:0:*:4005,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:!:Tool:fuzzy first\nsys = @unix\nsig = *:64:0:*:4004,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:OsAfterTool:\nsig = *:64:0:*:4004,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:Ttl100:\nsig = *:100:0:*:4000,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:RandomTtl:\nsig = *:100-:0:*:4001,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:Mss7:\nsig = *:64:0:*:mss*7,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:Mtu5:\nsig = *:64:0:*:mtu*5,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:Mod700:\nsig = *:64:0:*:%700,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:V4Only:\nsig = 4:64:0:*:4006,*:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:Sendsyn:\nsig = *:64:0:1331:1337,0:mss,nop,nop,sok:df,id+:0\n"
        + "label = s:unix:Everything:with a flavor longer than 32 bytes, cut by the API\nsig = *:64:0:*:1234,*:mss,nop,nop,sok:df,id+:*\n";

    private final String what;
    private final Supplier<SynBytes> syn;

    RuleSyn(String what, Supplier<SynBytes> syn) {
        this.what = what;
        this.syn = syn;
    }

    String what() {
        return what;
    }

    /** A new builder of this SYN, to send from an address of its own or to match. */
    SynBytes syn() {
        return syn.get();
    }

    /** IPv4, TTL 64, MSS 1460, nop, nop, sok (a layout every signature above has). */
    private static SynBytes ipv4Syn() {
        return SynBytes.ipv4().options("020405b4 01010402");
    }

    private static SynBytes ipv6Syn() {
        return SynBytes.ipv6().options("020405b4 01010402");
    }
}
