CREATE TABLE ${audit_table} (id bigserial PRIMARY KEY, note text DEFAULT '${default_note}');
