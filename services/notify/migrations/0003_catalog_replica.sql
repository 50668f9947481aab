-- Notify's replica of the catalog, fed by ys.catalog.v1 (a CatalogEntity per key, latest version
-- wins), kept by common/catalog/replica_store.h as ranking's is: the recipients are derived from
-- its units, indicators (领班, responsible units and their 带班领导) and regions
-- (services/notify/catalog_view.h).
CREATE TABLE catalog_replica (
  entity_key text   PRIMARY KEY,
  version    bigint NOT NULL,
  body       bytea  NOT NULL
);
