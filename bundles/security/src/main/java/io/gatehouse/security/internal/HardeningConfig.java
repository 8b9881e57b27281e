package io.gatehouse.security.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Gatehouse request hardening",
        description = "Allowed methods (405), URI length (414), path traversal and encoding tricks (400), body size (413). "
                + "Header size and count (431) and slow-client timeouts are the listener's limits.")
public @interface HardeningConfig {

    @AttributeDefinition(description = "Methods served (comma-separated); others get 405 with Allow")
    String[] allowed_methods() default {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

    @AttributeDefinition(description = "Longest request target (path and query) in characters; longer gets 414")
    int max_uri_length() default 8192;

    @AttributeDefinition(description = "Largest declared body (Content-Length) in bytes; larger gets 413 "
            + "(NGINX client_max_body_size 1m)")
    long max_body_bytes() default 1_048_576;
}
