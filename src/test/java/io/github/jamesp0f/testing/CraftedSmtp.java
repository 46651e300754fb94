package io.github.jamesp0f.testing;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One SMTP session from a crafted SYN, over a {@link TunLink}: runs
 * {@code contrib/tools/crafted-smtp.py}, which sends the SYN of a profile or of any p0f signature,
 * completes the handshake itself and sends one mail (EHLO, MAIL, RCPT, DATA, QUIT). The server's
 * kernel saves that SYN as any client's. Needs root and python3 ({@link TunLink#assumeAvailable()}).
 */
public final class CraftedSmtp {

    public static final String SCRIPT = "contrib/tools/crafted-smtp.py";

    private CraftedSmtp() {
    }

    /** A session from {@code source} (a client address of {@code link}) to {@code port} on the link's server address. */
    public static Transcript send(TunLink link, CraftedSyn.Profile profile, InetAddress source, int port,
                                  String... options) {
        return run(link, List.of(profile.scriptName()), source, port, options);
    }

    /** As above, with the SYN of a p0f signature, e.g. {@code *:128:0:*:mss*44,8:mss,nop,ws,nop,nop,sok:df,id+:0}. */
    public static Transcript sendSignature(TunLink link, String signature, InetAddress source, int port,
                                           String... options) {
        return run(link, List.of("--sig", signature), source, port, options);
    }

    private static Transcript run(TunLink link, List<String> syn, InetAddress source, int port, String... options) {
        TunLink.assumeAvailable();
        List<String> command = new ArrayList<>(List.of(CraftedSyn.findPython(), script().toString()));
        command.addAll(syn);
        command.addAll(List.of(source.getHostAddress(), Integer.toString(port), "--tun", link.name(), "--destination",
            link.serverAddress(source instanceof Inet6Address).getHostAddress()));
        command.addAll(Arrays.asList(options));
        // Every wait of the script ends by itself (--timeout, 10 s by default), a session has five.
        Commands.Result result = Commands.run(command, "", Duration.ofSeconds(120));
        return new Transcript(result.status(), result.output().trim());
    }

    public static Path script() {
        return ProjectFile.of(SCRIPT);
    }

    /** What the script printed: its SYN, each command ({@code C: }) and reply line ({@code S: }), and how it ended. */
    public static final class Transcript {

        private final int exitCode;
        private final String output;

        Transcript(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        public int exitCode() {
            return exitCode;
        }

        public String output() {
            return output;
        }

        /** True when the session ran to QUIT and the connection closed both ways (exit 0). */
        public boolean completed() {
            return exitCode == 0 && output.endsWith("closed");
        }

        /**
         * The code of the reply to the first command line starting with {@code command} ("EHLO",
         * "MAIL", "RCPT", "DATA"; "(message)" for the reply to the message itself); -1 if none was sent
         * or answered.
         */
        public int replyTo(String command) {
            String[] lines = output.split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].startsWith("C: " + command)) {
                    return lastReplyCode(lines, i + 1);
                }
            }
            return -1;
        }

        /** The code of the server's first reply (its banner). */
        public int banner() {
            return lastReplyCode(output.split("\n"), 0);
        }

        private static int lastReplyCode(String[] lines, int from) {
            for (int i = from; i < lines.length; i++) {
                if (lines[i].startsWith("C: ")) {
                    break;
                }
                if (lines[i].startsWith("S: ") && (lines[i].length() < 7 || lines[i].charAt(6) != '-')) {
                    return Integer.parseInt(lines[i].substring(3, 6));
                }
            }
            return -1;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ":\n" + output;
        }
    }
}
