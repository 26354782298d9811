package dev.rehearsal.spring.jpashop;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A customer as the application's new version maps it, by Boot's naming strategy alone: {@code loyaltyPoints} is
 * column {@code loyalty_points} (V3 of db/flyway/safe adds it).
 */
@Entity
@Table(name = "customers")
public class Customer {
    @Id
    private Long id;

    private String name;

    private Integer loyaltyPoints;
}
