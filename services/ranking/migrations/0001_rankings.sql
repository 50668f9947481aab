-- The ranking service's store of record (DESIGN §2 ranking).
-- Its replica of the catalog, fed by ys.catalog.v1 (a CatalogEntity per key, latest version wins).
CREATE TABLE catalog_replica (
  entity_key text   PRIMARY KEY,
  version    bigint NOT NULL,
  body       bytea  NOT NULL
);

-- Every revision of every fact, as received.
CREATE TABLE fact_revisions (
  fact_key    text        NOT NULL,
  revision    bigint      NOT NULL,
  body        bytea       NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (fact_key, revision)
);

-- The current (highest) revision per key, with the columns queries filter on.
CREATE TABLE current_facts (
  fact_key       text             PRIMARY KEY,
  source         text             NOT NULL,
  evaluation     text             NOT NULL,
  indicator_code text             NOT NULL,
  scope          text             NOT NULL,
  region_code    text             NOT NULL,
  period         text             NOT NULL,
  rank           int              NOT NULL,
  total          int              NOT NULL,
  score          double precision,
  revision       bigint           NOT NULL,
  body           bytea            NOT NULL,
  updated_at     timestamptz      NOT NULL
);
CREATE INDEX current_facts_ranking ON current_facts (indicator_code, scope, period);
CREATE INDEX current_facts_region ON current_facts (region_code, period);

-- Alerts, once per (rule, key, period): the id is the dedup key.
CREATE TABLE alerts (
  id             text        PRIMARY KEY,
  rule           text        NOT NULL,
  severity       text        NOT NULL,
  indicator_code text        NOT NULL,
  region_code    text        NOT NULL,
  period         text        NOT NULL,
  body           bytea       NOT NULL,
  raised_at      timestamptz NOT NULL
);
CREATE INDEX alerts_period ON alerts (period);
