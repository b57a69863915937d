-- pol_eval_numeric: exact numerics at the fen, half-fen ties included.
SELECT b AS base, d AS date,
       pol_eval_numeric('halffen', jsonb_build_object('缴费基数', b, '缴费日期', d), '精确月缴费') AS exact,
       pol_eval_numeric('halffen', jsonb_build_object('缴费基数', b, '缴费日期', d), '月缴费额') AS fen,
       pol_eval_numeric('halffen', jsonb_build_object('缴费基数', b, '缴费日期', d), '年缴费额') AS year
  FROM (VALUES (4250.5, '2025-03-15'),     -- 382.545: half a fen, up to 382.55
               (4250.49, '2025-06-30'),    -- 382.5441: down to 382.54
               (4250.5, '2025-07-01'),     -- 9.5%: 403.7975 -> 403.80
               (1000.5, '2025-01-01'),     -- 90.045 -> 90.05
               (1000.15, '2025-01-01'),    -- 90.0135 -> 90.01
               (1111.1, '2025-06-30'),     -- 99.999 -> 100.00
               (99999.99, '2025-12-31'),   -- 9499.99905 -> 9500.00
               (0, '2025-12-31'),
               (0.01, '2025-07-01')        -- 0.00095 -> 0.00
       ) v(b, d);
SELECT pg_typeof(pol_eval_numeric('halffen', '{"缴费基数": 4250.5, "缴费日期": "2025-03-15"}', '月缴费额'));
-- the exact amount keeps every digit: 0.1 + 0.2 style sums stay exact
SELECT pol_eval_numeric('halffen', '{"缴费基数": 0.1, "缴费日期": "2025-03-15"}', '精确月缴费')
     + pol_eval_numeric('halffen', '{"缴费基数": 0.2, "缴费日期": "2025-03-15"}', '精确月缴费') = 0.027 AS exact_sum;

-- against PostgreSQL's own numeric arithmetic (round() is half away from
-- zero, the same as half up for these non-negative amounts) on 20,000 bases:
-- a third whole yuan, a third ending in .5 (the ties), a third any fen
WITH s AS (
  SELECT b, d, CASE WHEN d <= date '2025-06-30' THEN 0.09 ELSE 0.095 END AS r
    FROM (SELECT (1000 + (i * 7919) % 49000) + CASE i % 3 WHEN 0 THEN 0 WHEN 1 THEN 0.5 ELSE ((i * 31) % 100) / 100.0 END AS b,
                 date '2025-01-01' + (i % 365) AS d
            FROM generate_series(1, 20000) i) g)
SELECT count(*) AS cases,
       count(*) FILTER (WHERE b * r * 100 % 1 = 0.5) AS half_fen_ties,
       count(*) FILTER (WHERE pol_eval_numeric('halffen', jsonb_build_object('缴费基数', b, '缴费日期', d), '月缴费额')
                           <> round(b * r, 2)) AS fen_mismatches,
       count(*) FILTER (WHERE pol_eval_numeric('halffen', jsonb_build_object('缴费基数', b, '缴费日期', d), '精确月缴费')
                           <> b * r) AS exact_mismatches,
       count(*) FILTER (WHERE pol_eval_numeric('halffen', jsonb_build_object('缴费基数', b, '缴费日期', d), '月缴费额')
                           <> trunc(b * r, 2)) AS differ_from_truncation
  FROM s;

-- a rate, an integer
SELECT pol_eval_numeric('weifang', '{"档次": "无账户无生育", "缴费基数": "4242", "所属期起": "2023-01", "所属期止": "2023-12", "本年度已缴大额医疗": false}', '费率') AS rate,
       pol_eval_numeric('weifang', '{"档次": "无账户无生育", "缴费基数": "4242", "所属期起": "2023-01", "所属期止": "2023-12", "本年度已缴大额医疗": false}', '缴费月数') AS months,
       pol_eval_numeric('weifang', '{"档次": "无账户无生育", "缴费基数": "4242", "所属期起": "2023-01", "所属期止": "2023-12", "本年度已缴大额医疗": false}', '应缴合计') AS total;
-- not applicable: NULL, which sum() skips
SELECT pol_eval_numeric('weinan', '{"人员身份": "退休"}', '基本医疗保险月缴费') IS NULL AS retired_null,
       pol_eval_numeric('weinan', '{"人员身份": "在职"}', '基本医疗保险月缴费') AS active,
       pol_eval_numeric('weinan', '{"人员身份": "退休"}', '全年缴费总额') AS retired_total;
SELECT sum(pol_eval_numeric('weinan', jsonb_build_object('人员身份', s), '基本医疗保险月缴费')) AS sum_active_only,
       count(pol_eval_numeric('weinan', jsonb_build_object('人员身份', s), '基本医疗保险月缴费')) AS n
  FROM (VALUES ('在职'), ('退休'), ('在职')) v(s);
