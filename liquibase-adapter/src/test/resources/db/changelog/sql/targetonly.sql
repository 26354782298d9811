--liquibase formatted sql

--changeset shop:fails-only-outside-a-branch splitStatements:false
--comment: passes on a rehearsal branch, fails on the real target: exercises the promotion-failure path
DO $$
BEGIN
    IF current_database() NOT LIKE 'rehearsal\_%' THEN
        RAISE EXCEPTION 'this migration refuses to run on %', current_database() USING ERRCODE = 'P0001';
    END IF;
END
$$;
