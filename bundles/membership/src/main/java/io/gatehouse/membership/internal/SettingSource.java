package io.gatehouse.membership.internal;

import java.util.Map;

/** One kind of cluster-wide setting, as this gateway holds it locally. */
interface SettingSource {

    /** Whether the local owner of these settings is present now (the balancer may come and go). */
    boolean available();

    /** Whether {@code key} in the settings map is one of this source's. */
    boolean owns(String key);

    /** The local values, by settings-map key; a setting that is off or absent has no key. */
    Map<String, String> read();

    /**
     * Makes the local value {@code value} (null: remove, reset or enable).
     *
     * @return true once the local value reads back as {@code value}
     * @throws RuntimeException with a message naming the problem when it cannot be applied
     */
    boolean apply(String key, String value);
}
