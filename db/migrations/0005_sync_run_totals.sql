-- sync_run_totals (db/schema/sync-run-totals.ts) holds what ended runs add to the metrics, so a scrape
-- reads a few rows however long the history. The duration buckets here are the ones api/metrics.ts shows.
CREATE FUNCTION sync_run_contribution(r sync_runs) RETURNS TABLE (metric text, value double precision)
LANGUAGE sql STABLE AS $$
  SELECT 'runs', 1::float8
  UNION ALL
  SELECT 'seconds', extract(epoch FROM r.finished_at - r.started_at)::float8 WHERE r.finished_at IS NOT NULL
  UNION ALL
  SELECT 'le:' || b, 1::float8
  FROM unnest(ARRAY[5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600]) AS b
  WHERE extract(epoch FROM r.finished_at - r.started_at) <= b
  UNION ALL
  SELECT k || '.' || o, coalesce((r.counts -> k ->> o)::float8, 0)
  FROM unnest(ARRAY['assets', 'software', 'customers']) AS k,
       unnest(ARRAY['created', 'updated', 'unchanged', 'deleted']) AS o
$$;
--> statement-breakpoint
-- Adds an ended run's share, and on a later change (counts written after the run ended) takes the old share
-- back first. Rows are upserted in one order, so two runs ending at once cannot deadlock here.
CREATE FUNCTION sync_run_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_run_totals AS t (kind, status, metric, value)
  SELECT d.kind, d.status, d.metric, sum(d.value)
  FROM (
    SELECT NEW.kind AS kind, NEW.status AS status, c.metric, c.value
    FROM sync_run_contribution(NEW) AS c
    WHERE NEW.status <> 'running'
    UNION ALL
    SELECT OLD.kind, OLD.status, c.metric, -c.value
    FROM sync_run_contribution(OLD) AS c
    WHERE TG_OP = 'UPDATE' AND OLD.status <> 'running'
  ) AS d
  GROUP BY d.kind, d.status, d.metric
  ORDER BY d.kind, d.status, d.metric
  ON CONFLICT (kind, status, metric) DO UPDATE SET value = t.value + excluded.value;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER sync_run_totals_on_insert AFTER INSERT ON sync_runs
FOR EACH ROW WHEN (NEW.status <> 'running') EXECUTE FUNCTION sync_run_totals_apply();
--> statement-breakpoint
-- Progress updates of a running run (one per page) do not fire it.
CREATE TRIGGER sync_run_totals_on_update AFTER UPDATE ON sync_runs
FOR EACH ROW WHEN (
  (OLD.status <> 'running' OR NEW.status <> 'running')
  AND (OLD.kind, OLD.status, OLD.counts, OLD.started_at, OLD.finished_at)
      IS DISTINCT FROM (NEW.kind, NEW.status, NEW.counts, NEW.started_at, NEW.finished_at)
) EXECUTE FUNCTION sync_run_totals_apply();
--> statement-breakpoint
INSERT INTO sync_run_totals (kind, status, metric, value)
SELECT r.kind, r.status, c.metric, sum(c.value)
FROM sync_runs AS r CROSS JOIN LATERAL sync_run_contribution(r) AS c
WHERE r.status <> 'running'
GROUP BY r.kind, r.status, c.metric;
--> statement-breakpoint
-- The planner judges how many rows a search matches from the statistics ANALYZE gathers on each indexed
-- expression. At a million assets, with the default 100 histogram entries, it guessed 1% (10,005 rows) for a
-- user who has 500 and walked the list in order (250 to 500 ms); with 1,000 it fetches those 500 through the
-- trigram index (20 ms). A large table already holding rows would otherwise wait for autovacuum to gather
-- them.
ALTER INDEX hardware_assets_search_idx ALTER COLUMN 1 SET STATISTICS 1000;
--> statement-breakpoint
ALTER INDEX software_assets_search_idx ALTER COLUMN 1 SET STATISTICS 1000;
--> statement-breakpoint
ANALYZE hardware_assets;
--> statement-breakpoint
ANALYZE software_assets;
