package io.gatehouse.listener.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.IO;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The HTTPS connector, whose selector also runs the connections to the backends ({@link UpstreamConnection}): one
 * event loop owns both sides of a proxied exchange, as in NGINX's worker, so a request and its upstream response are
 * handled without a hand-off between threads. Upstream connections are not client connections: they are kept out of
 * the connector's connection count and out of its graceful shutdown (which waits for client connections only).
 */
final class GatewayConnector extends ServerConnector {

    /** What a connection being opened to a backend becomes, or how its failure is reported. */
    /** A connection this connector opened to a backend: not one of its clients' (not counted, not drained). */
    interface Outbound {
    }

    interface Dial {

        Connection connected(EndPoint endPoint);

        void failed(Throwable failure);
    }

    /** @param connectTimeoutMs how long opening a connection to a backend may take */
    GatewayConnector(Server server, long connectTimeoutMs, ConnectionFactory... factories) {
        super(server, 1, 1, factories);
        getSelectorManager().setConnectTimeout(connectTimeoutMs);
    }

    @Override
    protected SelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors) {
        return new ServerConnectorManager(executor, scheduler, selectors) {
            @Override
            protected ManagedSelector newSelector(int id) {
                return new ReadyOrderSelector(this, id);
            }

            @Override
            public Connection newConnection(SelectableChannel channel, EndPoint endpoint, Object attachment)
                    throws IOException {
                if (attachment instanceof Dial dial) {
                    return dial.connected(endpoint);
                }
                return super.newConnection(channel, endpoint, attachment);
            }

            @Override
            protected void connectionFailed(SelectableChannel channel, Throwable failure, Object attachment) {
                if (attachment instanceof Dial dial) {
                    IO.close(channel);
                    dial.failed(failure);
                    return;
                }
                super.connectionFailed(channel, failure, attachment);
            }
        };
    }

    /** Client and backend connections alike: an end point that skips the reads it knows would find nothing. */
    @Override
    protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
        SocketChannelEndPoint endpoint = new ReadinessEndPoint(channel, selector, key, getScheduler());
        endpoint.setIdleTimeout(getIdleTimeout());
        return endpoint;
    }

    /**
     * Opens a connection to {@code address} on this connector's selector, within the connect timeout given at
     * construction; {@code dial} learns the outcome.
     */
    void connect(InetSocketAddress address, Dial dial) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            SelectorManager selectors = getSelectorManager();
            if (channel.connect(address)) {
                selectors.accept(channel, dial);
            } else {
                selectors.connect(channel, dial);
            }
        } catch (IOException | RuntimeException e) {
            IO.close(channel);
            dial.failed(e);
        }
    }

    @Override
    protected void onEndPointOpened(EndPoint endpoint) {
        if (!(endpoint.getConnection() instanceof Outbound)) {
            super.onEndPointOpened(endpoint);
        }
    }

    @Override
    protected void onEndPointClosed(EndPoint endpoint) {
        if (!(endpoint.getConnection() instanceof Outbound)) {
            super.onEndPointClosed(endpoint);
        }
    }
}
