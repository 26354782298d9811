package dev.rehearsal.check.entities;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.util.Set;

/**
 * An invoice with every kind of attribute that maps columns elsewhere than its own: a reference, an embeddable, a
 * collection table, an inherited attribute.
 */
@Entity
@Table(name = "invoices")
public class Invoice extends Audited {
    @Id
    Long id;

    @ManyToOne
    @JoinColumn(name = "customer_id")
    Customer customer;

    @Embedded
    Address address;

    @ElementCollection
    @CollectionTable(name = "invoice_tags", joinColumns = @JoinColumn(name = "invoice_id"))
    @Column(name = "tag")
    Set<String> tags;
}
