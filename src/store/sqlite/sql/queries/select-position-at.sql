-- The position just before the first event (in seq order) at or after a time: replaying from it
-- delivers that event and everything after it; the newest seq when no event is that recent.
-- A scan: `time` is the publisher's, in no particular order, and an operator asks this rarely.
-- Parameters: @time (epoch ms). Returns: position.
SELECT coalesce(
  (SELECT min(seq) FROM tutti_events WHERE time >= @time) - 1,
  (SELECT coalesce(max(seq), 0) FROM tutti_events)
) AS position;
