package dev.rehearsal.check.entities;

import jakarta.persistence.Embeddable;

/** An address embedded in the invoice's table. */
@Embeddable
public class Address {
    String street;

    String city;
}
