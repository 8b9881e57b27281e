package io.gatehouse.listener.internal;

import io.gatehouse.api.balancer.Backend;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;

/**
 * Keep-alive HTTP/1.1 connections to each backend, opened on the HTTPS connector's selector. An idle connection is
 * reused most-recently-used first (the warmest one, as NGINX's keepalive cache does) and watched while idle, so one
 * the backend closes leaves the pool at once. At {@code upstream.max.connections.per.backend} open connections a
 * request waits for one to come free, up to {@code upstream.max.queued.per.backend} per backend; beyond that it is
 * turned away with {@link Saturated}, which is the gateway's limit and not the backend's failure.
 */
final class UpstreamPool {

    /**
     * The pool, not the backend, turned a request away before a byte of it went out: too many requests already wait
     * for a connection to the backend, or none came free within the request's time limit.
     */
    static final class Saturated extends Exception {

        final boolean timedOut;

        Saturated(String message, boolean timedOut) {
            super(message, null, false, false);
            this.timedOut = timedOut;
        }
    }

    /** Who gets the connection a request waits for. */
    interface Waiter {

        /** No connection is free: the request waits for one (its time limit runs meanwhile). */
        void queued();

        /** @return false when the request no longer wants it (it timed out meanwhile); the connection stays free */
        boolean ready(UpstreamConnection connection);

        void failed(Throwable failure);
    }

    private final GatewayConnector connector;
    private final int maxPerBackend;
    private final int maxQueued;
    private final long idleTimeoutMs;
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

    UpstreamPool(GatewayConnector connector, int maxPerBackend, int maxQueued, long idleTimeoutMs) {
        this.connector = connector;
        this.maxPerBackend = maxPerBackend;
        this.maxQueued = maxQueued;
        this.idleTimeoutMs = idleTimeoutMs;
    }

    /** How many requests wait for a connection to {@code backendId} now. */
    int queued(String backendId) {
        Slot slot = slots.get(backendId);
        if (slot == null) {
            return 0;
        }
        synchronized (slot) {
            return slot.waiting.size();
        }
    }

    /** Hands {@code waiter} a connection to {@code backend}: an idle one, a new one, or the next one freed. */
    void acquire(Backend backend, Waiter waiter) {
        acquire(backend, waiter, true);
    }

    /**
     * As {@link #acquire(Backend, Waiter)}, but never an idle connection: a new one (or, at the connection limit, the
     * next one freed, which has just carried a whole exchange).
     */
    void acquireNew(Backend backend, Waiter waiter) {
        acquire(backend, waiter, false);
    }

    private void acquire(Backend backend, Waiter waiter, boolean idleToo) {
        Slot slot = slots.computeIfAbsent(backend.id(), id -> new Slot(backend.host(), backend.port()));
        UpstreamConnection idle = null;
        boolean dial = false;
        boolean queued = false;
        synchronized (slot) {
            UpstreamConnection candidate;
            while (idleToo && (candidate = slot.idle.pollLast()) != null) {
                if (candidate.take()) {
                    idle = candidate;
                    break;
                }
            }
            if (idle == null) {
                if (maxPerBackend <= 0 || slot.open < maxPerBackend) {
                    slot.open++;
                    dial = true;
                } else if (slot.waiting.size() < maxQueued) {
                    slot.waiting.add(waiter);
                    queued = true;
                }
            }
        }
        if (queued) {
            waiter.queued();
            return;
        }
        if (idle != null) {
            give(idle, waiter);
        } else if (dial) {
            dial(slot, waiter);
        } else {
            waiter.failed(new Saturated(maxQueued + " requests already wait for a connection to " + backend.id()
                    + " (upstream.max.connections.per.backend " + maxPerBackend + ", upstream.max.queued.per.backend "
                    + maxQueued + ")", false));
        }
    }

    /** {@code waiter} no longer waits (it timed out, or its client left): its place in the queue is freed. */
    void abandon(Backend backend, Waiter waiter) {
        Slot slot = slots.get(backend.id());
        if (slot != null) {
            synchronized (slot) {
                slot.waiting.remove(waiter);
            }
        }
    }

    private void give(UpstreamConnection connection, Waiter waiter) {
        if (!waiter.ready(connection)) {
            release(connection);
        }
    }

    private void dial(Slot slot, Waiter waiter) {
        connector.connect(slot.address, new GatewayConnector.Dial() {
            @Override
            public Connection connected(EndPoint endPoint) {
                endPoint.setIdleTimeout(idleTimeoutMs);
                return new UpstreamConnection(endPoint, connector.getExecutor(), connector.getScheduler(),
                        UpstreamPool.this, slot, waiter);
            }

            @Override
            public void failed(Throwable failure) {
                closed(slot);
                waiter.failed(failure);
            }
        });
    }

    /** A connection whose exchange ended cleanly: the next waiter gets it, or it waits in the pool. */
    void release(UpstreamConnection connection) {
        Slot slot = connection.slot;
        Waiter next;
        synchronized (slot) {
            next = slot.waiting.poll();
            if (next == null) {
                connection.idle();
                slot.idle.addLast(connection);
                return;
            }
        }
        give(connection, next);
    }

    /** A connection of {@code slot} closed: its place goes to the next waiter, on a new connection. */
    void closed(UpstreamConnection connection) {
        Slot slot = connection.slot;
        synchronized (slot) {
            slot.idle.remove(connection);
        }
        closed(slot);
    }

    private void closed(Slot slot) {
        Waiter next;
        synchronized (slot) {
            slot.open--;
            next = slot.waiting.poll();
            if (next == null) {
                return;
            }
            slot.open++;
        }
        dial(slot, next);
    }

    /** The connections to one backend. */
    static final class Slot {

        final InetSocketAddress address;
        final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
        final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
        int open;

        Slot(String host, int port) {
            this.address = new InetSocketAddress(host, port);
        }
    }
}
