CREATE TYPE event_kind AS ENUM ('seed', 'signup', 'order');
ALTER TABLE events ALTER COLUMN kind TYPE event_kind USING kind::event_kind;
