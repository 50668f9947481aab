-- The order in which current facts were written, one sequence for the whole table (issue #17).
-- Readers take, of several sources' facts for the same indicator and region, the one written last;
-- the Redis cache keeps the same choice by writing a fact only over an older write_seq (a
-- compare-and-set script, services/ranking/cache.cc). A sequence, unlike updated_at, is one order
-- for every replica whatever their clocks, and for one fact key it follows the commits (the writer
-- holds the row's lock when it takes its numbers).
CREATE SEQUENCE current_facts_write_seq;
ALTER TABLE current_facts ADD COLUMN write_seq bigint NOT NULL DEFAULT nextval('current_facts_write_seq');
