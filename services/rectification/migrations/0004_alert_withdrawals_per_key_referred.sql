-- Review of issue #12 (rectification): a withdrawal is recorded per alert, not per case; the sweeper
-- reads whether the office referred a case without reading its body.

-- Whether the alert behind each key was withdrawn by a later revision of its fact. A case is flagged
-- for the office only when every alert linked to it is withdrawn (a standing alert that joins it
-- clears the flag), and closing it as withdrawn releases only the withdrawn alerts' keys.
ALTER TABLE alert_keys ADD COLUMN withdrawn boolean NOT NULL DEFAULT false;

-- Keys stored before: the flag was per case, so which of a flagged case's alerts were withdrawn is
-- known only where the case has one key, or where its history names the alert in an alert_withdrawn
-- line after its last alert_reinstated line. Other keys of a flagged case stay standing: the office
-- keeps such a case, or closes it as withdrawn once those alerts are withdrawn again.
UPDATE alert_keys k SET withdrawn = true
FROM cases c
WHERE c.id = k.case_id AND c.alert_withdrawn AND c.state <> 'STATE_CLOSED' AND (
  NOT EXISTS (SELECT 1 FROM alert_keys o WHERE o.case_id = k.case_id AND
              (o.unit, o.indicator_code, o.period, o.rule) <> (k.unit, k.indicator_code, k.period, k.rule))
  OR (k.alert_id <> '' AND EXISTS (
        SELECT 1 FROM case_history h
        WHERE h.case_id = k.case_id AND h.action = 'alert_withdrawn' AND
              starts_with(h.note, k.alert_id || ' withdrawn by revision ') AND
              NOT EXISTS (SELECT 1 FROM case_history r WHERE r.case_id = k.case_id AND
                          r.action = 'alert_reinstated' AND r.seq > h.seq))));

-- Whether the office referred the case (ReferCase): with the state, the due time, the ladder's rung
-- and referral_suggested, what the sweeper needs to see which outstanding cases it owes a step or a
-- suggestion. Referrals before this column are the cases with a 'referred' history line (ReferCase
-- writes one; the sweeper before issue #12 never did).
ALTER TABLE cases ADD COLUMN referred boolean NOT NULL DEFAULT false;
UPDATE cases SET referred = true WHERE id IN (SELECT case_id FROM case_history WHERE action = 'referred');
