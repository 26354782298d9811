package dev.rehearsal.check.entities;

import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;
import java.time.Instant;

/** What every audited entity has: an attribute its entities inherit. */
@MappedSuperclass
public abstract class Audited {
    @Column(name = "created_at")
    Instant createdAt;
}
