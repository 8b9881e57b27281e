package io.gatehouse.persistence.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Gatehouse persistence",
        description = "Database metrics. The DataSource itself is configured in org.ops4j.datasource-gatehouse")
public @interface PersistenceConfig {

    @AttributeDefinition(name = "Data source name",
            description = "dataSourceName of the pooled DataSource whose pool gauges are published")
    String dataSourceName() default "gatehouse";
}
