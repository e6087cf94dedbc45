-- The AI answer cache looks answers up by their whole prompt (jobs/answers.rs via
-- ai::answer). Without an index that is a scan of every answer ever logged, on every new
-- answer. A hash index serves the equality lookup and, unlike a b-tree, has no size limit
-- on the prompt it indexes.
create index idx_ai_responses_prompt on ai_responses using hash (prompt);
