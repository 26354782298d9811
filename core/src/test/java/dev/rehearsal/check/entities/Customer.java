package dev.rehearsal.check.entities;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A customer as the application's next version maps it: table {@code customers}. */
@Entity
@Table(name = "customers")
public class Customer {
    @Id
    Long id;

    @Column(name = "first_name")
    String firstName;

    Integer age;
}
