-- What the dispatcher adds to the store (services/notify/store.h).

-- A SENDING delivery's next_at is its lease: when it runs out (the sender died), DueDeliveries takes
-- it again. The due index covers the states DueDeliveries reads, so its partial predicate still
-- matches the query.
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (next_at, id)
  WHERE state IN ('DELIVERY_STATE_PENDING', 'DELIVERY_STATE_HELD', 'DELIVERY_STATE_SENDING',
                  'DELIVERY_STATE_FAILED');

-- Events in force, for inhibition (inhibition.h): labels as a JSON object of strings, by the event's
-- dedup key, until expires_at (exclusive).
CREATE TABLE active_events (
  key        text COLLATE "C" PRIMARY KEY,
  labels     jsonb            NOT NULL,
  expires_at timestamptz      NOT NULL
);
CREATE INDEX active_events_expires ON active_events (expires_at);
