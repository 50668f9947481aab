-- A flush asks for the events in force that share its alerts' inhibition key (labels @> key), so it
-- reads a handful of rows however many alerts stand (issue #17's soak: every flush read them all).
CREATE INDEX active_events_labels ON active_events USING gin (labels jsonb_path_ops);
