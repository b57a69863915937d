-- A parallel sequential scan evaluates in the workers.
CREATE TABLE enrollee AS
  SELECT i AS id,
         jsonb_build_object('缴费基数', (1000 + (i * 7919) % 49000) + CASE i % 3 WHEN 0 THEN 0 WHEN 1 THEN 0.5 ELSE ((i * 31) % 100) / 100.0 END,
                            '缴费日期', date '2025-01-01' + (i % 365)) AS s
    FROM generate_series(1, 60000) i;
ANALYZE enrollee;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF, VERBOSE)
  SELECT sum(pol_eval_numeric('halffen', s, '月缴费额')) FROM enrollee;
-- the workers really ran (and each loaded the policy into its own cache)
DO $$
DECLARE plan json;
BEGIN
  EXECUTE $q$EXPLAIN (ANALYZE, FORMAT JSON) SELECT sum(pol_eval_numeric('halffen', s, '月缴费额')) FROM enrollee$q$ INTO plan;
  RAISE NOTICE 'workers launched: %', (plan -> 0 -> 'Plan' -> 'Plans' -> 0 ->> 'Workers Launched')::int >= 1;
END $$;
CREATE TABLE sums AS
  SELECT 'parallel' AS how, sum(pol_eval_numeric('halffen', s, '月缴费额')) AS fee,
         sum(pol_eval_numeric('halffen', s, '精确月缴费')) AS exact, count(*) AS n
    FROM enrollee;
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF) SELECT sum(pol_eval_numeric('halffen', s, '月缴费额')) FROM enrollee;
INSERT INTO sums
  SELECT 'serial', sum(pol_eval_numeric('halffen', s, '月缴费额')),
         sum(pol_eval_numeric('halffen', s, '精确月缴费')), count(*)
    FROM enrollee;
INSERT INTO sums
  SELECT 'sql', sum(round(b * r, 2)), sum(b * r), count(*)
    FROM (SELECT (s ->> '缴费基数')::numeric AS b,
                 CASE WHEN (s ->> '缴费日期')::date <= date '2025-06-30' THEN 0.09 ELSE 0.095 END AS r
            FROM enrollee) x;
SELECT * FROM sums ORDER BY how;
SELECT count(DISTINCT (fee, exact, n)) AS all_agree FROM sums;

-- every call in a worker (force_parallel_mode): the same answers
SET max_parallel_workers_per_gather = 2;
SET force_parallel_mode = on;
EXPLAIN (COSTS OFF) SELECT pol_eval('halffen', '{"缴费基数": 4250.5, "缴费日期": "2025-03-15"}');
SELECT pol_eval('halffen', '{"缴费基数": 4250.5, "缴费日期": "2025-03-15"}');
SELECT pol_eval_numeric('halffen', s, '月缴费额') FROM enrollee WHERE id = 1;
SELECT pol_try_eval('halffen', '{"缴费基数": -1, "缴费日期": "2025-03-15"}') -> 'error' ->> 'sqlstate' AS sqlstate;
SELECT pol_eval('halffen', '{"缴费基数": -1, "缴费日期": "2025-03-15"}');
RESET force_parallel_mode;
