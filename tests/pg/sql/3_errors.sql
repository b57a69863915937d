-- Errors: SQLSTATE, field, position, clause; the lenient pol_try_eval.
\set SHOW_CONTEXT never
CREATE FUNCTION sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;

-- an unknown policy: 42704 undefined_object
SELECT pol_eval('nosuch', '{"缴费日期": "2025-09-30"}');
SELECT sqlstate_of($q$SELECT pol_eval('nosuch', '{}')$q$);
-- bad scenarios: 22023 invalid_parameter_value
SELECT pol_eval('halffen', '{"缴费日期": "2025-03-15"}');
SELECT pol_eval('halffen', '{"缴费基数": 4250.5, "缴费日期": "2025-03-15", "id": 1}');
SELECT pol_eval('halffen', '{"缴费基数": "四千", "缴费日期": "2025-03-15"}');
SELECT pol_eval('halffen', '{"缴费基数": -5, "缴费日期": "2025-03-15"}');
SELECT pol_eval('halffen', '{"缴费基数": 100000.01, "缴费日期": "2025-03-15"}');
SELECT pol_eval('rizhao', '{"缴费日期": "2025-13-01"}');
SELECT pol_eval('rizhao', '[1, 2]');
SELECT pol_eval('rizhao', '"2025-09-30"');
SELECT pol_eval_numeric('halffen', '{"缴费基数": -5, "缴费日期": "2025-03-15"}', '月缴费额');
SELECT sqlstate_of($q$SELECT pol_eval('halffen', '{"缴费基数": -5, "缴费日期": "2025-03-15"}')$q$) AS bound,
       sqlstate_of($q$SELECT pol_eval('halffen', '{"缴费日期": "2025-03-15"}')$q$) AS missing,
       sqlstate_of($q$SELECT pol_eval('rizhao', '[1]')$q$) AS not_object;
-- a valid scenario the policy cannot evaluate (no rate version for 2026): 22000
SELECT pol_eval('halffen', '{"缴费基数": 4250.5, "缴费日期": "2026-01-01"}');
SELECT sqlstate_of($q$SELECT pol_eval('halffen', '{"缴费基数": 4250.5, "缴费日期": "2026-01-01"}')$q$);
-- an output the policy does not have: 42703; not a number: 42804
SELECT pol_eval_numeric('halffen', '{"缴费基数": 1, "缴费日期": "2025-03-15"}', '月缴费');
SELECT pol_eval_numeric('weifang', '{"档次": "无账户无生育", "缴费基数": "4242", "所属期起": "2023-01", "所属期止": "2023-12", "本年度已缴大额医疗": false}', '个人账户');
SELECT sqlstate_of($q$SELECT pol_eval_numeric('halffen', '{"缴费基数": 1, "缴费日期": "2025-03-15"}', '月缴费')$q$) AS no_output,
       sqlstate_of($q$SELECT pol_eval_numeric('weifang', '{"档次": "无账户无生育", "缴费基数": "4242", "所属期起": "2023-01", "所属期止": "2023-12", "本年度已缴大额医疗": false}', '个人账户')$q$) AS not_number;
-- bytes that are not a policy: 22P03, nothing stored
\getenv polc POL_PG_POLC_DIR
SELECT pol_load('bad', pg_read_binary_file(:'polc' || '/garbage.polc'));
SELECT pol_load('bad', '\x'::bytea);
SELECT sqlstate_of($q$SELECT pol_check_bytecode('\x00'::bytea)$q$);
SELECT count(*) FROM pol_loaded WHERE name = 'bad';
-- pol_load and pol_unload are not for everyone
CREATE ROLE pol_reader;
SET ROLE pol_reader;
SELECT pol_eval_numeric('halffen', '{"缴费基数": 4250.5, "缴费日期": "2025-03-15"}', '月缴费额');
SELECT pol_unload('halffen');
RESET ROLE;
DROP ROLE pol_reader;

-- the lenient variant: an error object instead of an error
SELECT pol_try_eval('halffen', '{"缴费基数": 4250.5, "缴费日期": "2025-03-15"}');
SELECT jsonb_pretty(pol_try_eval('halffen', '{"缴费基数": -5, "缴费日期": "2025-03-15"}'));
SELECT jsonb_pretty(pol_try_eval('halffen', '{"缴费基数": 4250.5, "缴费日期": "2026-01-01"}'));
SELECT pol_try_eval('halffen', '{"缴费日期": "2025-03-15"}') -> 'error' ->> 'kind' AS kind,
       pol_try_eval('halffen', '{"缴费日期": "2025-03-15"}') -> 'error' ->> 'sqlstate' AS sqlstate;
-- one bad row does not stop the query
SELECT s, COALESCE(r -> 'outputs' ->> '月缴费额', 'error: ' || (r -> 'error' ->> 'message')) AS fee
  FROM (VALUES ('{"缴费基数": 4250.5, "缴费日期": "2025-03-15"}'::jsonb),
               ('{"缴费基数": -1, "缴费日期": "2025-03-15"}'),
               ('{"缴费基数": 1000.5, "缴费日期": "2025-03-15"}')) v(s),
       LATERAL pol_try_eval('halffen', s) r;
SELECT sqlstate_of($q$SELECT pol_try_eval('nosuch', '{}')$q$) AS unknown_policy_still_raises;
