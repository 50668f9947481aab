-- The catalog: every entity's current state (a CatalogEntity in protobuf), its version, and an
-- append-only audit log of every change (who, when, what, before/after).
CREATE TABLE catalog_entities (
  entity_type text        NOT NULL,
  entity_id   text        NOT NULL,
  body        bytea       NOT NULL,
  retired     boolean     NOT NULL,
  version     bigint      NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (entity_type, entity_id)
);

CREATE TABLE audit_log (
  id          bigserial   PRIMARY KEY,
  at          timestamptz NOT NULL,
  principal   text        NOT NULL,
  action      text        NOT NULL,
  entity_type text        NOT NULL,
  entity_id   text        NOT NULL,
  before_json jsonb,
  after_json  jsonb
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, id);
