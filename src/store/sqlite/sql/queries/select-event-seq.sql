-- The seq of the event with this id: the answer to publishing an id already in the log.
-- Parameters: @id.
SELECT seq FROM tutti_events WHERE id = @id;
