-- Loading compiled policies; the catalogue view; evaluation of whole scenarios.
CREATE EXTENSION pol;
\getenv polc POL_PG_POLC_DIR
SELECT pol_load('halffen', pg_read_binary_file(:'polc' || '/halffen.polc'));
SELECT pol_load('rizhao', pg_read_binary_file(:'polc' || '/rizhao-2025.polc'));
SELECT pol_load('weinan', pg_read_binary_file(:'polc' || '/weinan-2023.polc'));
SELECT pol_load('weifang', pg_read_binary_file(:'polc' || '/weifang-hanting-2023.polc'));
SELECT name, title, source, inputs, outputs, bytes > 100 AS has_bytes, length(sha256) AS sha_len, loaded_by
  FROM pol_loaded ORDER BY name;

-- outputs as exact JSON strings (the notice's own figures: Rizhao 2025, 4416 x 5%)
SELECT pol_eval('rizhao', '{"缴费日期": "2025-09-30"}');
SELECT pol_eval('halffen', '{"缴费基数": 4250.5, "缴费日期": "2025-03-15"}');
SELECT jsonb_typeof(pol_eval('halffen', '{"缴费基数": 4250.5, "缴费日期": "2025-03-15"}') -> '月缴费额') AS kind;
-- a number keeps the digits it was written with
SELECT pol_eval('halffen', '{"缴费基数": 4250.500, "缴费日期": "2025-07-01"}') ->> '精确月缴费' AS exact;
SELECT pol_eval('weifang', '{"档次": "无账户无生育", "缴费基数": "4242", "所属期起": "2023-01", "所属期止": "2023-12", "本年度已缴大额医疗": false}');
-- an output that does not apply (Weinan: the monthly fee is for active enrollees)
SELECT pol_eval('weinan', '{"人员身份": "退休"}');
-- extra fields ignored with allow_extra (3_errors: refused without)
SELECT pol_eval('rizhao', '{"缴费日期": "2025-10-01", "id": 7}', allow_extra => true) ->> '月缴费额' AS fee;

-- the explanation: formula, clause and parameter version behind an output
SELECT s ->> 'formula' AS formula,
       s ->> 'cite' AS clause,
       s ->> 'position' AS position,
       (SELECT p ->> 'value' FROM jsonb_array_elements(s -> 'steps') p WHERE p ->> 'kind' = 'parameter') AS rate,
       (SELECT p ->> 'cite' FROM jsonb_array_elements(s -> 'steps') p WHERE p ->> 'kind' = 'parameter') AS rate_clause,
       (SELECT jsonb_agg(u ->> 'name') FROM jsonb_array_elements(m -> 'steps') u WHERE u ->> 'kind' = 'output') AS uses
  FROM (SELECT pol_explain('halffen', '{"缴费基数": 4250.5, "缴费日期": "2025-07-01"}') -> 'explanation' AS e) x,
       LATERAL (SELECT v FROM jsonb_array_elements(e) v WHERE v ->> 'name' = '精确月缴费') a(s),
       LATERAL (SELECT v FROM jsonb_array_elements(e) v WHERE v ->> 'name' = '月缴费额') b(m);
SELECT pol_explain('halffen', '{"缴费基数": 4250.5, "缴费日期": "2025-07-01"}') -> 'outputs' AS outputs;

-- the interface
SELECT jsonb_path_query_array(pol_interface('halffen'), '$.inputs[*].name') AS inputs,
       jsonb_path_query_array(pol_interface('halffen'), '$.outputs[*].name') AS outputs;

-- STRICT: a NULL argument gives NULL without evaluating
SELECT pol_eval(NULL, '{}') IS NULL AS a, pol_eval('rizhao', NULL) IS NULL AS b,
       pol_eval_numeric('halffen', '{}', NULL) IS NULL AS c;

-- volatility and parallel safety as declared
SELECT proname, provolatile, proparallel, proisstrict FROM pg_proc
 WHERE proname LIKE 'pol\_%' ORDER BY proname;

-- unloading
SELECT pol_load('spare', pg_read_binary_file(:'polc' || '/halffen.polc'));
SELECT pol_unload('spare'), pol_unload('spare');
SELECT count(*) FROM pol_loaded WHERE name = 'spare';
