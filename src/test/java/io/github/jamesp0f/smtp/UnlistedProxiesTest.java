package io.github.jamesp0f.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.junit.jupiter.api.Test;

import io.github.jamesp0f.metrics.P0fMetrics;

class UnlistedProxiesTest {

    @Test
    void everyConnectionIsCountedWhileMemoryStaysBounded() throws Exception {
        RecordingMetricFactory metricFactory = new RecordingMetricFactory();
        UnlistedProxies unlisted = new UnlistedProxies(new P0fMetrics(metricFactory));

        for (int i = 0; i < UnlistedProxies.REMEMBERED + 500; i++) {
            InetAddress proxy = InetAddress.getByAddress(new byte[] {(byte) 198, 18, (byte) (48 + i / 256), (byte) i});
            unlisted.seen(proxy);
            unlisted.seen(proxy);
        }

        assertThat(metricFactory.countFor("p0f_proxy_unlisted")).isEqualTo(2 * (UnlistedProxies.REMEMBERED + 500));
        assertThat(unlisted.remembered()).isEqualTo(UnlistedProxies.REMEMBERED);
    }
}
