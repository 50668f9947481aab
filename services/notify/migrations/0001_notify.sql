-- The notify service's store of record (services/notify/store.h). Each kind has the columns its
-- queries filter and order on, and the message itself as protobuf's JSON mapping (proto field
-- names) in `body`. Identifiers are compared byte by byte (COLLATE "C"). The outbox and inbox
-- tables come from the common migrations.

-- Every import of the recipients is a new version, kept whole (one row per recipient).
CREATE TABLE recipient_versions (
  version bigint PRIMARY KEY
);
CREATE TABLE recipients (
  version bigint           NOT NULL REFERENCES recipient_versions (version),
  id      text COLLATE "C" NOT NULL,
  body    jsonb            NOT NULL,
  PRIMARY KEY (version, id)
);

-- What notify decided to send.
CREATE TABLE notifications (
  id         text COLLATE "C" PRIMARY KEY,
  event_id   text COLLATE "C" NOT NULL,
  event_type text COLLATE "C" NOT NULL,
  receivers  text[] COLLATE "C" NOT NULL,
  created_at timestamptz,
  body       jsonb            NOT NULL
);
CREATE INDEX notifications_created ON notifications (created_at DESC, id DESC);
CREATE INDEX notifications_event ON notifications (event_id);
CREATE INDEX notifications_receivers ON notifications USING gin (receivers);

-- grouping.h GroupState per group key, as store.h EncodeGroupState's JSON; next_flush_at as the
-- caller computed it (NextFlushAt), NULL when nothing is due.
CREATE TABLE groups (
  key           text COLLATE "C" PRIMARY KEY,
  next_flush_at timestamptz,
  state         jsonb            NOT NULL
);
CREATE INDEX groups_due ON groups (next_flush_at) WHERE next_flush_at IS NOT NULL;

-- One notification to one recipient over one channel; id is the idempotency key. next_at: when a
-- pending, held or failed delivery is next due.
CREATE TABLE deliveries (
  id              text COLLATE "C" PRIMARY KEY,
  notification_id text COLLATE "C" NOT NULL,
  recipient_id    text COLLATE "C" NOT NULL,
  event_id        text COLLATE "C" NOT NULL,
  state           text             NOT NULL,  -- the DeliveryState's name
  next_at         timestamptz,
  created_at      timestamptz,
  body            jsonb            NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (next_at, id)
  WHERE state IN ('DELIVERY_STATE_PENDING', 'DELIVERY_STATE_HELD', 'DELIVERY_STATE_FAILED');
CREATE INDEX deliveries_notification ON deliveries (notification_id);
CREATE INDEX deliveries_recipient ON deliveries (recipient_id, created_at DESC);
CREATE INDEX deliveries_event ON deliveries (event_id);
CREATE INDEX deliveries_state ON deliveries (state, created_at DESC);

-- The in-app inbox.
CREATE TABLE inbox_items (
  id           text COLLATE "C" PRIMARY KEY,
  recipient_id text COLLATE "C" NOT NULL,
  created_at   timestamptz,
  read         boolean          NOT NULL,
  body         jsonb            NOT NULL
);
CREATE INDEX inbox_items_recipient ON inbox_items (recipient_id, created_at DESC, id DESC);
CREATE INDEX inbox_items_unread ON inbox_items (recipient_id) WHERE NOT read;

CREATE TABLE silences (
  id        text COLLATE "C" PRIMARY KEY,
  starts_at timestamptz      NOT NULL,
  ends_at   timestamptz      NOT NULL,
  body      jsonb            NOT NULL
);
CREATE INDEX silences_ends ON silences (ends_at, id);

-- rate_limit.h SinkState per (channel, sink), as store.h EncodeSinkState's JSON.
CREATE TABLE rate_limits (
  channel text COLLATE "C" NOT NULL,
  sink    text COLLATE "C" NOT NULL,
  state   jsonb            NOT NULL,
  PRIMARY KEY (channel, sink)
);

-- What happens once: the first replica to insert the key does it.
CREATE TABLE once_marks (
  key text COLLATE "C" PRIMARY KEY,
  at  timestamptz      NOT NULL
);
