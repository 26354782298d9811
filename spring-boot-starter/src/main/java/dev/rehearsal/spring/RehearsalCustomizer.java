package dev.rehearsal.spring;

import dev.rehearsal.Rehearsal;

/**
 * Changes what the {@code rehearsal.*} properties cannot say, for every rehearsal the starter runs: a check of the
 * application's own, a branch provider built in code. Declare it as a bean; it is called after the properties are
 * applied.
 *
 * <pre>{@code
 * @Bean
 * RehearsalCustomizer ordersMustKeepTheirCustomers() {
 *     return rehearsal -> rehearsal.check(new OrdersKeepCustomersCheck());
 * }
 * }</pre>
 */
@FunctionalInterface
public interface RehearsalCustomizer {
    /** Adjusts the rehearsal before it is loaded. */
    void customize(Rehearsal.Builder rehearsal);
}
