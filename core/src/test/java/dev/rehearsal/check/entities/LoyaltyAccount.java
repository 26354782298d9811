package dev.rehearsal.check.entities;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/**
 * Mapped by naming strategy, not by annotations: {@code loyalty_account.points_balance} with Spring Boot's
 * {@code CamelCaseToUnderscoresNamingStrategy}, {@code LoyaltyAccount.pointsBalance} without it.
 */
@Entity
public class LoyaltyAccount {
    @Id
    Long id;

    Long pointsBalance;
}
