package io.gatehouse.audit.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Gatehouse audit", description = "The audit trail: durable spool and batched writes to PostgreSQL")
public @interface AuditConfig {

    @AttributeDefinition(name = "Spool directory",
            description = "Where events wait for the database; empty means ${karaf.data}/audit-spool. Read at start")
    String spoolDirectory() default "";

    @AttributeDefinition(name = "Maximum spool size (bytes)",
            description = "When the spool holds this much, record() refuses events loudly instead of dropping them")
    long maxSpoolBytes() default 1L << 30;

    @AttributeDefinition(name = "Segment size (bytes)", description = "Size of one spool file before the next starts")
    long segmentBytes() default 64L << 20;

    @AttributeDefinition(name = "Batch size", description = "Events per database transaction, 1-50000")
    int batchSize() default 2000;

    @AttributeDefinition(name = "Flush interval (ms)",
            description = "How long the drainer waits for a batch to fill before writing what it has, 1-60000")
    long flushIntervalMs() default 200;
}
