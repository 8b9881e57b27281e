package io.gatehouse.security.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Gatehouse security headers",
        description = "Headers set on every response of the gateway (proxied, static and errors). An empty value sends no header.")
public @interface SecurityHeadersConfig {

    @AttributeDefinition(description = "Strict-Transport-Security (HTTPS responses only)")
    String hsts() default "max-age=31536000; includeSubDomains";

    @AttributeDefinition(description = "Content-Security-Policy")
    String content_security_policy() default
            "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    @AttributeDefinition(description = "X-Frame-Options: DENY or SAMEORIGIN")
    String frame_options() default "DENY";

    @AttributeDefinition(description = "X-Content-Type-Options: nosniff")
    String content_type_options() default "nosniff";

    @AttributeDefinition(description = "Referrer-Policy")
    String referrer_policy() default "strict-origin-when-cross-origin";

    @AttributeDefinition(description = "Permissions-Policy")
    String permissions_policy() default "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

    @AttributeDefinition(description = "Cross-Origin-Opener-Policy")
    String cross_origin_opener_policy() default "same-origin";

    @AttributeDefinition(description = "More headers, each 'Name: value'")
    String[] extra() default {};
}
