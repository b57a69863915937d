-- The per-backend cache: one load per policy, invalidated when a policy changes
-- (in this session, in another session, and undone by a rollback).
\getenv polc POL_PG_POLC_DIR
\c
SELECT pol_cache_stats();
SELECT pol_eval_numeric('halffen', '{"缴费基数": 4250.5, "缴费日期": "2025-03-15"}', '月缴费额');
SELECT sum(pol_eval_numeric('halffen', jsonb_build_object('缴费基数', i, '缴费日期', '2025-03-15'), '月缴费额'))
  FROM generate_series(1, 1000) i;
SELECT pol_cache_stats();

-- replaced in this session: the next statement sees the new policy
SELECT pol_load('fee', pg_read_binary_file(:'polc' || '/halffen.polc'));
SELECT pol_eval('fee', '{"缴费基数": 4250.5, "缴费日期": "2025-03-15"}');
SELECT pol_load('fee', pg_read_binary_file(:'polc' || '/rizhao-2025.polc'));
SELECT pol_eval('fee', '{"缴费日期": "2025-09-30"}') ->> '月缴费额' AS rizhao_fee;
SELECT pol_cache_stats() -> 'loads' AS loads;

-- replaced inside a transaction that rolls back: the old policy again
BEGIN;
SELECT pol_load('fee', pg_read_binary_file(:'polc' || '/halffen.polc'));
SELECT pol_eval('fee', '{"缴费基数": 4250.5, "缴费日期": "2025-03-15"}') ->> '月缴费额' AS inside;
ROLLBACK;
SELECT pol_eval('fee', '{"缴费日期": "2025-09-30"}') ->> '月缴费额' AS after_rollback;

-- replaced by another backend (dblink commits at once): seen by this one
CREATE EXTENSION dblink;
SELECT dblink_connect('other', format('host=%s port=%s dbname=%s user=postgres',
       current_setting('unix_socket_directories'), current_setting('port'), current_database()));
SELECT pol_eval('fee', '{"缴费日期": "2025-09-30"}') ->> '月缴费额' AS before;
SELECT * FROM dblink('other', format('SELECT pol_load(%L, pg_read_binary_file(%L))', 'fee', :'polc' || '/halffen.polc')) AS t(title text);
SELECT pol_eval('fee', '{"缴费基数": 4250.5, "缴费日期": "2025-03-15"}') ->> '月缴费额' AS after_other_load;
SELECT * FROM dblink('other', $$SELECT pol_unload('fee')$$) AS t(unloaded boolean);
SELECT pol_eval('fee', '{"缴费基数": 4250.5, "缴费日期": "2025-03-15"}');
-- a policy changed by another backend after this transaction's snapshot, and
-- read into the cache for the first time inside that transaction: the
-- transaction keeps its snapshot's policy, the next one sees the change
SELECT pol_load('fee', pg_read_binary_file(:'polc' || '/rizhao-2025.polc'));
SELECT dblink_disconnect('other');
\c
SELECT dblink_connect('other', format('host=%s port=%s dbname=%s user=postgres',
       current_setting('unix_socket_directories'), current_setting('port'), current_database()));
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT 1 AS snapshot_taken;
SELECT * FROM dblink('other', format('SELECT pol_load(%L, pg_read_binary_file(%L))', 'fee', :'polc' || '/halffen.polc')) AS t(title text);
SELECT pol_eval('fee', '{"缴费日期": "2025-09-30"}') ->> '月缴费额' AS in_snapshot;
SELECT pol_eval('fee', '{"缴费日期": "2025-09-30"}') ->> '月缴费额' AS in_snapshot_again;
COMMIT;
SELECT pol_eval('fee', '{"缴费基数": 4250.5, "缴费日期": "2025-03-15"}') ->> '月缴费额' AS next_transaction;
-- the same with the library already loaded in this backend (the
-- invalidation is processed while the policy is read)
SELECT pol_load('fee', pg_read_binary_file(:'polc' || '/rizhao-2025.polc'));
SELECT pol_cache_stats() -> 'cached' AS cached;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT 1 AS snapshot_taken;
SELECT * FROM dblink('other', format('SELECT pol_load(%L, pg_read_binary_file(%L))', 'fee', :'polc' || '/halffen.polc')) AS t(title text);
SELECT pol_eval('fee', '{"缴费日期": "2025-09-30"}') ->> '月缴费额' AS in_snapshot;
SELECT pol_eval('fee', '{"缴费日期": "2025-09-30"}') ->> '月缴费额' AS in_snapshot_again;
COMMIT;
SELECT pol_eval('fee', '{"缴费基数": 4250.5, "缴费日期": "2025-03-15"}') ->> '月缴费额' AS next_transaction;
SELECT pol_unload('fee');
SELECT dblink_disconnect('other');
DROP EXTENSION dblink;
-- a direct write to the table (not through pol_load) invalidates as well
SELECT pol_eval_numeric('rizhao', '{"缴费日期": "2025-09-30"}', '月缴费额') AS rizhao;
UPDATE pol_policies SET bytecode = (SELECT bytecode FROM pol_policies WHERE name = 'halffen') WHERE name = 'rizhao';
SELECT pol_eval('rizhao', '{"缴费日期": "2025-09-30"}');
SELECT pol_load('rizhao', pg_read_binary_file(:'polc' || '/rizhao-2025.polc'));
SELECT pol_eval_numeric('rizhao', '{"缴费日期": "2025-09-30"}', '月缴费额') AS rizhao;
