package io.gatehouse.security.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Gatehouse access policy",
        description = "allow/deny rules by client network for a set of paths, first match wins (NGINX allow/deny)")
public @interface AccessPolicyConfig {

    @AttributeDefinition(description = "Policy name (logs, security events); defaults to the configuration's name")
    String name() default "";

    @AttributeDefinition(description = "Ant-style path patterns the policy applies to (comma-separated); "
            + "when several policies match a path, the most specific pattern wins")
    String[] paths() default {"/**"};

    @AttributeDefinition(description = "Rules in order, comma-separated: 'allow <cidr>' or 'deny <cidr>', "
            + "where <cidr> is an IPv4/IPv6 address, a network or 'all'. No matching rule allows the request")
    String[] rules() default {};
}
