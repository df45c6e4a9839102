-- Merges every part of the analysis table into one (pipelines/jobs/analysis-compaction.ts). A
-- range read with FINAL then merges nothing: the engine reads a part that no other overlaps as it
-- is. The copies of an event collapse here too (ReplacingMergeTree, the first copy kept).
OPTIMIZE TABLE events_by_day FINAL
