package dev.rehearsal.check.entities;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An order of a table no migration makes. */
@Entity
@Table(name = "orders")
public class Order {
    @Id
    Long id;

    Long total;
}
